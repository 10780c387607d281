#include "core/models/time_embedding.h"

#include <cmath>
#include <stdexcept>

#include "core/random/philox.h"

namespace core {

TimeEmbedding::TimeEmbedding(std::string name, int64_t bins, int64_t dim, double step_seconds,
                             uint64_t seed)
    : name_(std::move(name)), bins_(bins), dim_(dim), step_(step_seconds) {
  if (bins < 2 || dim < 1 || !(step_seconds > 0)) {
    throw std::invalid_argument(name_ + ": needs >= 2 bins, dim >= 1 and a step > 0");
  }
  // GPT-2's initialisation of position embeddings: N(0, 0.02).
  Tensor value({bins, dim});
  RandomStream rng(seed, 0);
  for (float& v : value.values())
    v = static_cast<float>(rng.normal(0.0, 0.02));
  table_ = Parameter{.name = name_ + ".table", .value = value, .grad = {}, .weight_decay = false};
}

TimeEmbedding::Tap TimeEmbedding::tap(float seconds) const {
  if (!std::isfinite(seconds) || seconds < 0.0f) {
    throw std::invalid_argument(name_ + ": elapsed time must be finite and >= 0, got " +
                                std::to_string(seconds));
  }
  const double position = seconds / step_;
  if (position >= static_cast<double>(bins_ - 1)) return {bins_ - 2, 1.0f};
  const auto row = static_cast<int64_t>(std::floor(position));
  return {row, static_cast<float>(position - static_cast<double>(row))};
}

void TimeEmbedding::add_to(Tensor& h, const Tensor& seconds) const {
  const int64_t n = seconds.numel();
  if (h.rank() != 3 || h.size(2) != dim_ || h.size(0) * h.size(1) != n) {
    throw std::invalid_argument(name_ + ": expected [B, L, " + std::to_string(dim_) +
                                "] and [B, L] times, got " + h.shape().to_string() + " and " +
                                seconds.shape().to_string());
  }
  const float* table = table_.value.data();
  for (int64_t i = 0; i < n; ++i) {
    const Tap t = tap(seconds.data()[i]);
    const float* a = table + t.row * dim_;
    const float* b = a + dim_;
    float* out = h.data() + i * dim_;
    for (int64_t c = 0; c < dim_; ++c)
      out[c] += (1.0f - t.weight_next) * a[c] + t.weight_next * b[c];
  }
}

Tensor TimeEmbedding::lookup(const Tensor& seconds) const {
  Tensor out({seconds.size(0), seconds.size(1), dim_});
  add_to(out, seconds);
  return out;
}

void TimeEmbedding::accumulate_grad(const Tensor& grad_h, const Tensor& seconds) {
  Tensor& grad = grad_buffer(table_);
  float* g = grad.data();
  for (int64_t i = 0; i < seconds.numel(); ++i) {
    const Tap t = tap(seconds.data()[i]);
    const float* in = grad_h.data() + i * dim_;
    float* a = g + t.row * dim_;
    float* b = a + dim_;
    for (int64_t c = 0; c < dim_; ++c) {
      a[c] += (1.0f - t.weight_next) * in[c];
      b[c] += t.weight_next * in[c];
    }
  }
}

}  // namespace core
