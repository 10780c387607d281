#include "core/attribution/integrated_gradients.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/attribution/gauss_legendre.h"

namespace core {

const char* baseline_name(IgBaseline baseline) {
  return baseline == IgBaseline::kZero ? "zero" : "mean";
}

IgBaseline parse_baseline(std::string_view name) {
  for (IgBaseline b : {IgBaseline::kZero, IgBaseline::kMean})
    if (name == baseline_name(b)) return b;
  throw std::invalid_argument("integrated_gradients: unknown baseline '" + std::string(name) +
                              "' (expected zero or mean)");
}

void validate(const IntegratedGradientsOptions& options) {
  if (options.steps < 1) {
    throw std::invalid_argument("integrated_gradients: steps must be >= 1, got " +
                                std::to_string(options.steps));
  }
}

Tensor ig_baseline(const Tensor& x, IgBaseline baseline) {
  Tensor out(x.shape());  // [B, L, P]
  if (baseline == IgBaseline::kZero) return out;
  const int64_t b = x.size(0), l = x.size(1), p = x.size(2);
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < p; ++j) {
      double sum = 0.0;
      for (int64_t t = 0; t < l; ++t)
        sum += x.data()[(i * l + t) * p + j];
      const auto mean = static_cast<float>(sum / static_cast<double>(l));
      for (int64_t t = 0; t < l; ++t)
        out.data()[(i * l + t) * p + j] = mean;
    }
  return out;
}

Tensor integrate_gradients(const Tensor& x, const Tensor& baseline, int steps,
                           const GradientAt& gradient) {
  require_shape(baseline, x.shape(), "integrated_gradients: baseline");
  const int64_t n = x.numel();
  const float* xv = x.data();
  const float* x0 = baseline.data();
  std::vector<double> integral(static_cast<size_t>(n), 0.0);
  const Quadrature q = gauss_legendre(steps);
  for (size_t k = 0; k < q.nodes.size(); ++k) {
    Tensor point(x.shape());
    for (int64_t i = 0; i < n; ++i)
      point.data()[i] = static_cast<float>(x0[i] + q.nodes[k] * (double{xv[i]} - x0[i]));
    const Tensor grad = gradient(point);
    require_shape(grad, x.shape(), "integrated_gradients: gradient");
    for (int64_t i = 0; i < n; ++i)
      integral[static_cast<size_t>(i)] += q.weights[k] * grad.data()[i];
  }
  Tensor out(x.shape());
  for (int64_t i = 0; i < n; ++i)
    out.data()[i] = static_cast<float>((double{xv[i]} - x0[i]) * integral[static_cast<size_t>(i)]);
  return out;
}

Explanation explain_integrated_gradients(WindowClassifier& model, const WindowBatch& batch,
                                         int target, const IntegratedGradientsOptions& options) {
  validate(options);
  require_window_batch(batch, "integrated_gradients");
  const Tensor logits = eval_logits(model, batch);
  const std::vector<int> targets = resolve_targets(logits, target, "integrated_gradients");
  const Tensor base = ig_baseline(batch.x, options.baseline);
  std::vector<double> f_x = target_logits(logits, targets);
  const std::vector<double> f_base =
      target_logits(eval_logits(model, with_x(batch, base)), targets);
  Tensor relevance = integrate_gradients(batch.x, base, options.steps, [&](const Tensor& point) {
    return target_gradient(model, with_x(batch, point), targets);
  });

  const int64_t b = batch.x.size(0), per = batch.x.numel() / b;
  std::vector<double> error(static_cast<size_t>(b));
  for (int64_t w = 0; w < b; ++w) {
    double total = 0.0;
    for (int64_t i = w * per; i < (w + 1) * per; ++i)
      total += relevance.data()[i];
    const auto ww = static_cast<size_t>(w);
    const double delta = f_x[ww] - f_base[ww];
    error[ww] = delta == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                             : std::abs(total - delta) / std::abs(delta);
  }
  return Explanation{std::move(relevance), targets, std::move(f_x), std::move(error)};
}

}  // namespace core
