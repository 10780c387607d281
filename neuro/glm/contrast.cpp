#include "neuro/glm/contrast.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "neuro/glm/distributions.h"

namespace neuro {

namespace {

size_t idx(int64_t i) {
  return static_cast<size_t>(i);
}

}  // namespace

void fill_t_and_z(ContrastResult& result) {
  const size_t v = result.effect.size();
  if (result.variance.size() != v) {
    throw std::invalid_argument("contrast " + result.name + ": " + std::to_string(v) +
                                " effects but " + std::to_string(result.variance.size()) +
                                " variances");
  }
  result.t.assign(v, std::numeric_limits<double>::quiet_NaN());
  result.z.assign(v, std::numeric_limits<double>::quiet_NaN());
  for (size_t c = 0; c < v; ++c) {
    if (!(result.variance[c] > 0.0)) continue;
    result.t[c] = result.effect[c] / std::sqrt(result.variance[c]);
    result.z[c] = z_from_t(result.t[c], result.dof);
  }
}

ContrastResult compute_contrast(const GlmFit& fit, const Contrast& contrast) {
  const int64_t k = fit.regressor_count(), v = fit.columns;
  if (contrast.weights.size() != idx(k)) {
    throw std::invalid_argument("contrast " + contrast.name + ": " +
                                std::to_string(contrast.weights.size()) + " weights, expected " +
                                std::to_string(k) + " (one per regressor)");
  }
  for (int64_t j = 0; j < k; ++j) {
    const double w = contrast.weights[idx(j)];
    if (!std::isfinite(w)) {
      throw std::invalid_argument("contrast " + contrast.name + ": weight of " +
                                  fit.regressors[idx(j)] + " is not finite");
    }
    if (w != 0.0 && !fit.estimable[idx(j)]) {
      throw std::invalid_argument("contrast " + contrast.name + ": regressor " +
                                  fit.regressors[idx(j)] +
                                  " is not estimable (zero or collinear column)");
    }
  }
  ContrastResult result;
  result.name = contrast.name;
  result.dof = fit.dof;
  result.effect.assign(idx(v), 0.0);
  result.variance.assign(idx(v), 0.0);
  for (int64_t j = 0; j < k; ++j) {
    const double w = contrast.weights[idx(j)];
    if (w == 0.0) continue;
    const double* row = fit.betas.data() + j * v;
    for (int64_t c = 0; c < v; ++c)
      result.effect[idx(c)] += w * row[c];
  }
  // c' C c once per distinct whitened design.
  std::vector<double> quadratic(fit.covariances.size(), 0.0);
  for (size_t g = 0; g < fit.covariances.size(); ++g) {
    const auto& cov = fit.covariances[g];
    double sum = 0.0;
    for (int64_t a = 0; a < k; ++a) {
      for (int64_t b = 0; b < k; ++b)
        sum += contrast.weights[idx(a)] * cov[idx(a * k + b)] * contrast.weights[idx(b)];
    }
    quadratic[g] = sum;
  }
  for (int64_t c = 0; c < v; ++c) {
    result.variance[idx(c)] =
        fit.residual_variance[idx(c)] * quadratic[idx(fit.covariance_group[idx(c)])];
  }
  fill_t_and_z(result);
  return result;
}

Contrast make_contrast(const DesignMatrix& design, std::string name,
                       const std::vector<std::pair<std::string, double>>& weights) {
  Contrast contrast{std::move(name), std::vector<double>(idx(design.columns()), 0.0)};
  for (const auto& [regressor, w] : weights)
    contrast.weights[idx(design.column_of(regressor))] += w;
  return contrast;
}

std::vector<Contrast> one_vs_rest_contrasts(const DesignMatrix& design) {
  const auto s = static_cast<int64_t>(design.states.size());
  std::vector<Contrast> contrasts;
  for (int64_t state = 0; state < s; ++state) {
    Contrast c{design.states[idx(state)] + "_vs_rest",
               std::vector<double>(idx(design.columns()), 0.0)};
    for (int64_t other = 0; other < s; ++other) {
      c.weights[idx(other)] = other == state ? 1.0 : -1.0 / static_cast<double>(s - 1);
    }
    contrasts.push_back(std::move(c));
  }
  return contrasts;
}

}  // namespace neuro
