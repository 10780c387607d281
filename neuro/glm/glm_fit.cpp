#include "neuro/glm/glm_fit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "kernels/cpu/linalg.h"
#include "neuro/glm/ar1.h"

namespace neuro {

namespace {

size_t idx(int64_t i) {
  return static_cast<size_t>(i);
}

// Sum of squares of each column of r [T, m].
std::vector<double> column_sums_of_squares(const std::vector<double>& r, int64_t frames,
                                           int64_t m) {
  std::vector<double> rss(idx(m), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    const double* row = r.data() + t * m;
    for (int64_t c = 0; c < m; ++c)
      rss[idx(c)] += row[c] * row[c];
  }
  return rss;
}

// Whitened least squares of the columns `members` of y [T, V] on the reduced
// design x [T, R] (the estimable regressors `kept`), written into the fit.
void fit_whitened_group(const std::vector<double>& x, const std::vector<int64_t>& kept,
                        std::span<const double> y, const std::vector<int64_t>& members, double rho,
                        double tolerance, int32_t group, GlmFit& fit) {
  const int64_t frames = fit.frames, v = fit.columns, k = fit.regressor_count();
  const auto r = static_cast<int64_t>(kept.size());
  const auto m = static_cast<int64_t>(members.size());
  std::vector<double> xw = x;  // [T, R]
  whiten_ar1(xw.data(), frames, r, rho);
  std::vector<double> yw(idx(frames * m));  // [T, m]
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < m; ++c)
      yw[idx(t * m + c)] = y[idx(t * v + members[idx(c)])];
  }
  whiten_ar1(yw.data(), frames, m, rho);
  const kernels::cpu::PivotedQr qr(xw.data(), frames, r, tolerance);
  std::vector<double> b(idx(r * m));  // [R, m]
  qr.solve(yw.data(), m, b.data());
  qr.residualize(yw.data(), m);
  const auto rss = column_sums_of_squares(yw, frames, m);
  for (int64_t c = 0; c < m; ++c) {
    const int64_t column = members[idx(c)];
    for (int64_t j = 0; j < r; ++j)
      fit.betas[idx(kept[idx(j)] * v + column)] = b[idx(j * m + c)];
    fit.residual_variance[idx(column)] = rss[idx(c)] / fit.dof;
    fit.rho[idx(column)] = rho;
    fit.covariance_group[idx(column)] = group;
  }
  const auto reduced = qr.unscaled_covariance();  // [R, R]
  std::vector<double> covariance(idx(k * k), 0.0);
  for (int64_t a = 0; a < r; ++a) {
    for (int64_t c = 0; c < r; ++c)
      covariance[idx(kept[idx(a)] * k + kept[idx(c)])] = reduced[idx(a * r + c)];
  }
  fit.covariances.push_back(std::move(covariance));
}

}  // namespace

std::span<const double> GlmFit::unscaled_covariance(int64_t v) const {
  if (v < 0 || v >= columns) {
    throw std::out_of_range("GlmFit: column " + std::to_string(v) + " of " +
                            std::to_string(columns));
  }
  return covariances[idx(covariance_group[idx(v)])];
}

GlmFit fit_glm(const DesignMatrix& design, std::span<const double> y, int64_t columns,
               const GlmOptions& options) {
  const int64_t frames = design.frames, k = design.columns();
  if (k == 0) throw std::invalid_argument("fit_glm: the design has no columns");
  if (columns < 0 || y.size() != idx(frames * columns)) {
    throw std::invalid_argument("fit_glm: data hold " + std::to_string(y.size()) +
                                " values, expected " + std::to_string(frames) + " frames x " +
                                std::to_string(columns) + " columns");
  }
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      throw std::invalid_argument("fit_glm: data value at frame " +
                                  std::to_string(i / idx(std::max<int64_t>(columns, 1))) +
                                  " is not finite");
    }
  }
  GlmFit fit;
  fit.regressors = design.names;
  fit.frames = frames;
  fit.columns = columns;
  fit.noise_model = options.noise_model;

  const kernels::cpu::PivotedQr qr(design.values.data(), frames, k, options.rank_tolerance);
  fit.rank = qr.rank();
  fit.dof = static_cast<double>(frames - fit.rank);
  if (!(fit.dof > 0)) {
    throw std::invalid_argument("fit_glm: " + std::to_string(frames) + " frames leave no degrees " +
                                "of freedom for a design of rank " + std::to_string(fit.rank));
  }
  std::vector<int64_t> kept(qr.permutation().begin(), qr.permutation().begin() + fit.rank);
  std::sort(kept.begin(), kept.end());
  fit.estimable.assign(idx(k), 0);
  for (const auto j : kept)
    fit.estimable[idx(j)] = 1;

  // OLS, which the AR(1) model needs too for its residuals.
  fit.betas.assign(idx(k * columns), 0.0);
  qr.solve(y.data(), columns, fit.betas.data());
  std::vector<double> residuals(y.begin(), y.end());  // [T, V]
  qr.residualize(residuals.data(), columns);
  const auto rss = column_sums_of_squares(residuals, frames, columns);
  fit.residual_variance.resize(idx(columns));
  for (int64_t c = 0; c < columns; ++c)
    fit.residual_variance[idx(c)] = rss[idx(c)] / fit.dof;
  fit.rho.assign(idx(columns), 0.0);
  fit.rho_estimate = estimate_ar1(residuals, frames, columns);
  fit.covariance_group.assign(idx(columns), 0);
  if (options.noise_model == NoiseModel::ols || columns == 0) {
    fit.covariances.push_back(qr.unscaled_covariance());
    return fit;
  }

  // AR(1): group the columns by the rho they are whitened with.
  std::map<double, std::vector<int64_t>> groups;
  if (options.ar1_pooling == Ar1Pooling::pooled) {
    double sum = 0;
    int64_t counted = 0;
    for (int64_t c = 0; c < columns; ++c) {
      if (rss[idx(c)] > 0.0) {
        sum += fit.rho_estimate[idx(c)];
        ++counted;
      }
    }
    const double pooled = counted > 0 ? sum / static_cast<double>(counted) : 0.0;
    auto& all = groups[std::clamp(pooled, -kMaxAr1, kMaxAr1)];
    for (int64_t c = 0; c < columns; ++c)
      all.push_back(c);
  } else {
    for (int64_t c = 0; c < columns; ++c)
      groups[bin_ar1(fit.rho_estimate[idx(c)], options.ar1_bins)].push_back(c);
  }
  std::vector<double> x(idx(frames * fit.rank));  // [T, R] the estimable regressors
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t j = 0; j < fit.rank; ++j)
      x[idx(t * fit.rank + j)] = design.at(t, kept[idx(j)]);
  }
  int32_t group = 0;
  for (const auto& [rho, members] : groups) {
    fit_whitened_group(x, kept, y, members, rho, options.rank_tolerance, group++, fit);
  }
  return fit;
}

GlmFit fit_glm(const DesignMatrix& design, const ParcelSeries& series, const GlmOptions& options) {
  if (series.frames != design.frames) {
    throw std::invalid_argument("fit_glm: the series has " + std::to_string(series.frames) +
                                " frames, the design " + std::to_string(design.frames));
  }
  const std::vector<double> y(series.values.begin(), series.values.end());  // [T, P]
  return fit_glm(design, y, series.parcels, options);
}

}  // namespace neuro
