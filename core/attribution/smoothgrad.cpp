#include "core/attribution/smoothgrad.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/random/philox.h"

namespace core {

void validate(const SmoothGradOptions& options) {
  if (options.samples < 1) {
    throw std::invalid_argument("smoothgrad: samples must be >= 1, got " +
                                std::to_string(options.samples));
  }
  if (!(options.sigma >= 0.0 && std::isfinite(options.sigma))) {
    throw std::invalid_argument("smoothgrad: sigma must be finite and >= 0, got " +
                                std::to_string(options.sigma));
  }
}

Explanation explain_smoothgrad(WindowClassifier& model, const WindowBatch& batch, int target,
                               const SmoothGradOptions& options) {
  validate(options);
  require_window_batch(batch, "smoothgrad");
  const Tensor logits = eval_logits(model, batch);
  const std::vector<int> targets = resolve_targets(logits, target, "smoothgrad");
  const int64_t b = batch.x.size(0), n = batch.x.numel(), per = n / b;

  std::vector<double> sd(static_cast<size_t>(b));  // per window
  for (int64_t i = 0; i < b; ++i) {
    const float* w = batch.x.data() + i * per;
    const auto [lo, hi] = std::minmax_element(w, w + per);
    sd[static_cast<size_t>(i)] = options.sigma * (static_cast<double>(*hi) - *lo);
  }

  std::vector<double> sum(static_cast<size_t>(n), 0.0);
  for (int s = 0; s < options.samples; ++s) {
    Tensor noisy = batch.x.clone();
    RandomStream rng(options.seed, static_cast<uint64_t>(s));
    float* v = noisy.data();
    for (int64_t i = 0; i < n; ++i)
      v[i] = static_cast<float>(v[i] + sd[static_cast<size_t>(i / per)] * rng.normal());
    const Tensor grad = target_gradient(model, with_x(batch, std::move(noisy)), targets);
    for (int64_t i = 0; i < n; ++i)
      sum[static_cast<size_t>(i)] += grad.data()[i];
  }
  Tensor relevance(batch.x.shape());
  for (int64_t i = 0; i < n; ++i)
    relevance.data()[i] = static_cast<float>(sum[static_cast<size_t>(i)] / options.samples);
  return make_explanation(std::move(relevance), targets, target_logits(logits, targets));
}

}  // namespace core
