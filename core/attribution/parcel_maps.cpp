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
  StateFrameMaps sums(states, 1, p);
  sums.add(per_window.reshape({b, 1, p}), predicted, truth);
  return {sums.mean().reshape({states, p}), sums.windows()};
}

StateFrameMaps::StateFrameMaps(int states, int64_t frames, int64_t parcels)
    : states_(states), frames_(frames), parcels_(parcels) {
  if (states < 1) throw std::invalid_argument("parcel maps: states must be >= 1");
  if (frames < 1 || parcels < 1) {
    throw std::invalid_argument("parcel maps: frames and parcels must be >= 1");
  }
  sum_.assign(static_cast<size_t>(states * frames * parcels), 0.0);
  windows_.assign(static_cast<size_t>(states), 0);
}

void StateFrameMaps::add(const Tensor& relevance, std::span<const int> predicted,
                         std::span<const int> truth) {
  require_shape(relevance, {relevance.rank() == 3 ? relevance.size(0) : 0, frames_, parcels_},
                "parcel maps: relevance [B, L, P]");
  const int64_t b = relevance.size(0), per_window = frames_ * parcels_;
  if (static_cast<int64_t>(predicted.size()) != b || static_cast<int64_t>(truth.size()) != b) {
    throw std::invalid_argument("parcel maps: expected " + std::to_string(b) +
                                " predictions and labels, got " + std::to_string(predicted.size()) +
                                " and " + std::to_string(truth.size()));
  }
  for (int64_t i = 0; i < b; ++i) {
    const int k = truth[static_cast<size_t>(i)], guess = predicted[static_cast<size_t>(i)];
    if (k >= states_ || guess < 0 || guess >= states_) {
      throw std::invalid_argument("parcel maps: window " + std::to_string(i) + " has label " +
                                  std::to_string(k) + " and prediction " + std::to_string(guess) +
                                  ", expected states in [0, " + std::to_string(states_) + ")");
    }
  }
  for (int64_t i = 0; i < b; ++i) {
    const int k = truth[static_cast<size_t>(i)];
    if (k < 0 || predicted[static_cast<size_t>(i)] != k) continue;
    ++windows_[static_cast<size_t>(k)];
    double* sum = sum_.data() + k * per_window;
    const float* window = relevance.data() + i * per_window;
    for (int64_t j = 0; j < per_window; ++j)
      sum[j] += window[j];
  }
}

Tensor StateFrameMaps::mean() const {
  const int64_t per_window = frames_ * parcels_;
  Tensor out({states_, frames_, parcels_});
  for (int k = 0; k < states_; ++k) {
    const auto n = static_cast<double>(windows_[static_cast<size_t>(k)]);
    for (int64_t j = 0; j < per_window; ++j)
      out.data()[k * per_window + j] =
          n == 0.0 ? std::numeric_limits<float>::quiet_NaN()
                   : static_cast<float>(sum_[static_cast<size_t>(k * per_window + j)] / n);
  }
  return out;
}

}  // namespace core
