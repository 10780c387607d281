#pragma once
// Checks that every module must pass.
//
// gradients_match: backward against central finite differences of the loss
// L = sum(y * G), G a fixed random cotangent, for the input and for every
// parameter. The differences are taken on a double-precision reference of
// the module written independently in the test, evaluated at exactly the
// float values the module sees; the module's own forward is also compared
// with that reference. gradients_match_float is the fallback for modules
// without a reference: it differentiates the float module itself with a
// larger step, on well-conditioned inputs, under looser tolerances.
//
// relevance_conserved: sum(R_x) against sum(R_y) for one relevance pass.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/nn/module.h"
#include "finite_difference.h"
#include "random_tensor.h"

namespace neuroseq_test {

// The module's parameters as doubles, in parameters() order.
using DoubleParams = std::vector<std::vector<double>>;
// y = f(x, params) in double: row-major, as many values as the module's output.
using DoubleReference =
    std::function<std::vector<double>(const std::vector<double>& x, const DoubleParams& params)>;

struct GradientCheckOptions {
  core::ForwardMode mode;        // handed to forward (training, seed, step)
  uint64_t cotangent_seed = 99;  // G ~ U(-1, 1)
  // Against the double reference: step h = step * max(1, |v|), leaving a
  // truncation error ~h^2 = 1e-12 and a rounding error ~1e-16 / h = 1e-10,
  // far below float gradients' own ~1e-7.
  double step = 1e-6;
  // A float gradient element passes when
  //   |analytic - numeric| <= rtol |numeric| + atol max|numeric|,
  // the second term covering elements that are sums cancelling to ~0.
  double rtol = 1e-4;
  double atol = 1e-5;
  // The module's float forward against the reference, in the same form.
  double forward_rtol = 1e-5;
  double forward_atol = 1e-6;
  // Float-only differences: absolute step and looser tolerances, since the
  // loss itself carries float rounding of ~1e-7 relative.
  double float_step = 1e-2;
  double float_rtol = 2e-2;
  double float_atol = 2e-3;
};

namespace detail {

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

inline std::vector<double> grad_of(core::Parameter& p) {
  return p.grad.empty() ? std::vector<double>(static_cast<size_t>(p.value.numel()), 0.0)
                        : to_double(p.grad);
}

// Runs forward + backward with cotangent G; returns G and fills the analytic
// gradients of x (first) and of each parameter.
inline std::vector<double> analytic(core::Module& m, const core::Tensor& x,
                                    const GradientCheckOptions& o, core::Tensor& y,
                                    std::vector<std::vector<double>>& grads) {
  core::Context ctx;
  y = m.forward(x, ctx, o.mode);
  const core::Tensor g = random_uniform(y.shape(), o.cotangent_seed);
  m.zero_grad();
  grads.push_back(to_double(m.backward(g, ctx)));
  for (core::Parameter* p : m.parameters())
    grads.push_back(grad_of(*p));
  return to_double(g);
}

}  // namespace detail

// Backward against finite differences of `reference` (see the top).
inline ::testing::AssertionResult gradients_match(core::Module& m, const core::Tensor& x,
                                                  const DoubleReference& reference,
                                                  const GradientCheckOptions& o = {}) {
  core::Tensor y;
  std::vector<std::vector<double>> grads;
  const std::vector<double> g = detail::analytic(m, x, o, y, grads);

  const std::vector<double> xd = to_double(x);
  DoubleParams params;
  for (core::Parameter* p : m.parameters())
    params.push_back(to_double(p->value));

  std::ostringstream why;
  bool ok = compare_elements(m.name() + " forward", to_double(y), reference(xd, params),
                             o.forward_rtol, o.forward_atol, why);

  const auto wrt_x = [&](const std::vector<double>& v) {
    return detail::dot(reference(v, params), g);
  };
  ok &= compare_elements(m.name() + " d/dx", grads[0], numeric_gradient(wrt_x, xd, o.step), o.rtol,
                         o.atol, why);
  const auto ps = m.parameters();
  for (size_t k = 0; k < params.size(); ++k) {
    const auto wrt_param = [&](const std::vector<double>& v) {
      DoubleParams moved = params;
      moved[k] = v;
      return detail::dot(reference(xd, moved), g);
    };
    ok &= compare_elements(m.name() + " d/d" + ps[k]->name, grads[k + 1],
                           numeric_gradient(wrt_param, params[k], o.step), o.rtol, o.atol, why);
  }
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why.str();
}

// Backward against finite differences of the float module itself.
inline ::testing::AssertionResult gradients_match_float(core::Module& m, const core::Tensor& x,
                                                        const GradientCheckOptions& o = {}) {
  core::Tensor y;
  std::vector<std::vector<double>> grads;
  const std::vector<double> g = detail::analytic(m, x, o, y, grads);

  core::Tensor xp = x.clone();
  auto loss = [&] {
    core::Context ctx;
    return detail::dot(to_double(m.forward(xp, ctx, o.mode)), g);
  };
  auto numeric = [&](float* v, int64_t n) {
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const float keep = v[i];
      // The step actually taken in float, so rounding of keep + h does not
      // bias the quotient.
      v[i] = static_cast<float>(keep + o.float_step);
      const double up_at = v[i];
      const double up = loss();
      v[i] = static_cast<float>(keep - o.float_step);
      const double down_at = v[i];
      const double down = loss();
      v[i] = keep;
      out[static_cast<size_t>(i)] = (up - down) / (up_at - down_at);
    }
    return out;
  };
  std::ostringstream why;
  bool ok = compare_elements(m.name() + " d/dx", grads[0], numeric(xp.data(), xp.numel()),
                             o.float_rtol, o.float_atol, why);
  const auto ps = m.parameters();
  for (size_t k = 0; k < ps.size(); ++k) {
    ok &= compare_elements(m.name() + " d/d" + ps[k]->name, grads[k + 1],
                           numeric(ps[k]->value.data(), ps[k]->value.numel()), o.float_rtol,
                           o.float_atol, why);
  }
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why.str();
}

// One forward and one relevance pass: R_x must have x's shape, be finite,
// and |sum(R_x) - sum(R_y)| <= rtol |sum(R_y)|. Choose R_y with a sum well
// away from zero (e.g. positive), or the bound means nothing.
inline ::testing::AssertionResult relevance_conserved(core::Module& m, const core::Tensor& x,
                                                      const core::Tensor& relevance_y,
                                                      const core::LrpRule& rule, double rtol = 1e-4,
                                                      const core::ForwardMode& mode = {}) {
  core::Context ctx;
  m.forward(x, ctx, mode);
  const core::Tensor rx = m.relevance(relevance_y, ctx, rule);
  if (rx.shape() != x.shape()) {
    return ::testing::AssertionFailure()
           << m.name() << ": relevance has shape " << rx.shape().to_string() << ", the input "
           << x.shape().to_string();
  }
  double sum_in = 0.0, sum_out = 0.0;
  for (float v : rx.values()) {
    if (!std::isfinite(v)) return ::testing::AssertionFailure() << m.name() << ": relevance " << v;
    sum_in += v;
  }
  for (float v : relevance_y.values())
    sum_out += v;
  const double diff = std::abs(sum_in - sum_out);
  if (diff <= rtol * std::abs(sum_out)) {
    return ::testing::AssertionSuccess() << "sum R_x " << sum_in << ", sum R_y " << sum_out;
  }
  return ::testing::AssertionFailure()
         << m.name() << ": sum R_x = " << sum_in << ", sum R_y = " << sum_out << ", difference "
         << diff << " > " << rtol << " * |sum R_y|";
}

}  // namespace neuroseq_test
