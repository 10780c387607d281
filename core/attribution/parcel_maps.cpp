#include "core/attribution/parcel_maps.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace core {

Tensor parcel_relevance(const Tensor& relevance) {
  if (relevance.rank() != 3) {
    throw std::invalid_argument("parcel maps: expected relevance [B, L, P], got " +
                                relevance.shape().to_string());
  }
  const int64_t b = relevance.size(0), l = relevance.size(1), p = relevance.size(2);
  Tensor out({b, p});
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < p; ++j) {
      double sum = 0.0;
      for (int64_t t = 0; t < l; ++t)
        sum += relevance.data()[(i * l + t) * p + j];
      out.data()[i * p + j] = static_cast<float>(sum);
    }
  return out;
}

StateParcelMaps state_parcel_maps(const Tensor& relevance, std::span<const int> predicted,
                                  std::span<const int> truth, int states) {
  const Tensor per_window = parcel_relevance(relevance);  // [B, P]
  const int64_t b = per_window.size(0), p = per_window.size(1);
  if (states < 1) throw std::invalid_argument("parcel maps: states must be >= 1");
  if (static_cast<int64_t>(predicted.size()) != b || static_cast<int64_t>(truth.size()) != b) {
    throw std::invalid_argument("parcel maps: expected " + std::to_string(b) +
                                " predictions and labels, got " + std::to_string(predicted.size()) +
                                " and " + std::to_string(truth.size()));
  }
  std::vector<double> sum(static_cast<size_t>(states * p), 0.0);
  StateParcelMaps out{Tensor({states, p}), std::vector<int64_t>(static_cast<size_t>(states), 0)};
  for (int64_t i = 0; i < b; ++i) {
    const int k = truth[static_cast<size_t>(i)], guess = predicted[static_cast<size_t>(i)];
    if (k >= states || guess < 0 || guess >= states) {
      throw std::invalid_argument("parcel maps: window " + std::to_string(i) + " has label " +
                                  std::to_string(k) + " and prediction " + std::to_string(guess) +
                                  ", expected states in [0, " + std::to_string(states) + ")");
    }
    if (k < 0 || guess != k) continue;
    ++out.windows[static_cast<size_t>(k)];
    for (int64_t j = 0; j < p; ++j)
      sum[static_cast<size_t>(k * p + j)] += per_window.data()[i * p + j];
  }
  for (int k = 0; k < states; ++k) {
    const auto n = static_cast<double>(out.windows[static_cast<size_t>(k)]);
    for (int64_t j = 0; j < p; ++j)
      out.mean.data()[k * p + j] =
          n == 0.0 ? std::numeric_limits<float>::quiet_NaN()
                   : static_cast<float>(sum[static_cast<size_t>(k * p + j)] / n);
  }
  return out;
}

}  // namespace core
