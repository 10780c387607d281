#pragma once
// The AR(1) noise model of the first-level GLM: the lag-1 autocorrelation of
// the OLS residuals, its binning, and the whitening that turns an AR(1)
// series into white noise so that ordinary least squares on the whitened
// data is the generalised least-squares fit.

#include <cstdint>
#include <span>
#include <vector>

namespace neuro {

// Largest |rho| the whitening accepts; estimates beyond are clamped to it.
inline constexpr double kMaxAr1 = 0.99;

// rho_v = sum_t r[t, v] r[t-1, v] / sum_t r[t, v]^2 for each column of the
// residuals [T, V] row-major: nilearn's estimator (run_glm, noise_model
// 'ar1'). A column whose residuals are all zero gets 0. Not corrected for the
// small negative bias that fitting the regressors puts into the residuals'
// autocorrelation (neither does nilearn; SPM's ReML does). Throws
// std::invalid_argument when the span is not [frames, columns].
std::vector<double> estimate_ar1(std::span<const double> residuals, int64_t frames,
                                 int64_t columns);

// nilearn's discretisation: rho truncated toward zero to a multiple of
// 1 / bins (bins = 100: two decimals), so that columns share whitened designs;
// bins <= 0 leaves rho as it is. The result is clamped to [-kMaxAr1, kMaxAr1].
double bin_ar1(double rho, int bins);

// Prais-Winsten whitening of y [frames, m] in place, the exact inverse square
// root of the AR(1) correlation matrix:
//   y'_0 = sqrt(1 - rho^2) y_0,   y'_t = y_t - rho y_{t-1}  (t >= 1).
// (nilearn's ARModel leaves the first row unscaled; with 150 frames the two
// differ in one row of the fit.) Throws std::invalid_argument for |rho| >= 1.
void whiten_ar1(double* y, int64_t frames, int64_t m, double rho);

}  // namespace neuro
