#pragma once
// The first-level mass-univariate fit: every column of Y [T, V] (a parcel or a
// voxel) regressed on the same design, by ordinary least squares or, by
// default, by least squares after AR(1) prewhitening (SPM's and nilearn's
// default noise model).
//
// AR(1), as nilearn's run_glm does it: an OLS fit first; the lag-1
// autocorrelation of its residuals, per column (the default) or pooled into a
// single rho; per column, rho is truncated to two decimals so that columns
// sharing a value share one whitened design; then data and design are
// whitened (Prais-Winsten, see ar1.h) and refitted. Residual variance is the
// whitened residual sum of squares over dof = T - rank(X).
//
// Columns of X that are (numerically) combinations of others, e.g. the zero
// column of a state with no events, are found by the pivoted QR of the OLS
// fit; their betas are 0, they are flagged inestimable, and every fit
// (whitened ones included) uses the remaining columns only.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuro/glm/design_matrix.h"
#include "neuro/series/parcel_series.h"

namespace neuro {

enum class NoiseModel { ols, ar1 };

enum class Ar1Pooling {
  per_column,  // one rho per column, binned to 1 / ar1_bins (nilearn's 'ar1')
  pooled,      // one rho for all columns: the mean of the per-column estimates
               // over columns with non-zero residuals (not binned)
};

struct GlmOptions {
  NoiseModel noise_model = NoiseModel::ar1;
  Ar1Pooling ar1_pooling = Ar1Pooling::per_column;
  int ar1_bins = 100;          // per-column rho truncated to multiples of 1/bins; <= 0: exact
  double rank_tolerance = -1;  // PivotedQr's; negative: numpy's matrix_rank default
};

struct GlmFit {
  std::vector<std::string> regressors;  // [K] the design's column names
  int64_t frames = 0;                   // T
  int64_t columns = 0;                  // V
  NoiseModel noise_model = NoiseModel::ar1;
  int64_t rank = 0;                       // rank of the design
  double dof = 0;                         // T - rank
  std::vector<double> betas;              // [K, V] row-major; 0 for inestimable regressors
  std::vector<double> residual_variance;  // [V] (whitened) RSS / dof
  std::vector<uint8_t> estimable;         // [K] 1 for a regressor the fit kept
  std::vector<double> rho_estimate;       // [V] lag-1 autocorrelation of the OLS residuals
  std::vector<double> rho;                // [V] rho used to whiten (0 for OLS)
  // Unscaled covariance (X_w' X_w)^-1 [K, K] of each distinct whitened design
  // (one for OLS or pooled AR(1)); rows and columns of inestimable regressors
  // are zero. covariance_group[v] says which one column v used.
  std::vector<std::vector<double>> covariances;
  std::vector<int32_t> covariance_group;  // [V]

  int64_t regressor_count() const { return static_cast<int64_t>(regressors.size()); }
  double beta(int64_t k, int64_t v) const { return betas[static_cast<size_t>(k * columns + v)]; }
  // (X_w' X_w)^-1 [K, K] for column v.
  std::span<const double> unscaled_covariance(int64_t v) const;
};

// y is [T, V] row-major with T = design.frames. Throws std::invalid_argument
// when y is not [T, columns], when a value is not finite, when the design has
// no columns, or when dof = T - rank is not positive.
GlmFit fit_glm(const DesignMatrix& design, std::span<const double> y, int64_t columns,
               const GlmOptions& options = {});
// The same on a parcel series (its frame count must be the design's).
GlmFit fit_glm(const DesignMatrix& design, const ParcelSeries& series,
               const GlmOptions& options = {});

}  // namespace neuro
