#pragma once
// Integrated Gradients (Sundararajan et al. 2017) of one logit per window:
//   attr = (x - x') * integral_0^1 grad f(x' + a (x - x')) da
// from a baseline x', the integral by Gauss-Legendre quadrature on [0, 1].
// Completeness, sum(attr) = f(x) - f(x'), holds up to the quadrature's
// error, reported per window as
//   |sum(attr) - (f(x) - f(x'))| / |f(x) - f(x')|   (NaN where f(x) = f(x')).

#include <functional>
#include <string_view>

#include "core/attribution/explanation.h"

namespace core {

enum class IgBaseline {
  kZero,  // x' = 0: the z-scored mean of every parcel
  kMean,  // x'[b, t, p] = mean over t of x[b, t, p]: each window's own level, no dynamics
};

// "zero", "mean"; the parser throws std::invalid_argument naming the accepted values.
const char* baseline_name(IgBaseline baseline);
IgBaseline parse_baseline(std::string_view name);

struct IntegratedGradientsOptions {
  int steps = 64;  // quadrature nodes, >= 1
  IgBaseline baseline = IgBaseline::kZero;
};

// Throws std::invalid_argument("integrated_gradients: steps ...") for steps < 1.
void validate(const IntegratedGradientsOptions& options);

// The baseline x' [B, L, P] of a batch's x.
Tensor ig_baseline(const Tensor& x, IgBaseline baseline);

// The path integral for any f given by its gradient at a point (same shape
// as x): (x - x') * sum_k w_k grad(x' + t_k (x - x')) over `steps`
// Gauss-Legendre nodes t_k on [0, 1], accumulated in double.
using GradientAt = std::function<Tensor(const Tensor& point)>;
Tensor integrate_gradients(const Tensor& x, const Tensor& baseline, int steps,
                           const GradientAt& gradient);

Explanation explain_integrated_gradients(WindowClassifier& model, const WindowBatch& batch,
                                         int target = kPredicted,
                                         const IntegratedGradientsOptions& options = {});

}  // namespace core
