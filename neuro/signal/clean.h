#pragma once
// Cleaning of parcel time series before they reach a model, in the order and
// with the arithmetic of nilearn.signal.clean (without censoring or runs):
//
//   1. cosine filter: the DCT drift regressors below the cut-off are appended
//      to the confounds (append_cosine_drift), to be regressed out with them;
//   2. detrend: mean and linear trend removed from the signals and from the
//      confounds;
//   3. Butterworth filter: signals AND confounds are filtered the same way,
//      so the regression cannot bring back frequencies the filter removed
//      (Lindquist et al. 2018);
//   4. confound regression: confounds are z-scored (standardize_confounds) or
//      else scaled by their largest magnitude, then the signals are projected
//      on the orthogonal complement of their span (pivoted QR; confounds that
//      are combinations of others are dropped);
//   5. standardisation of the signals.
//
// Confound cells that are NaN ("n/a" in fMRIPrep's tables, e.g. the first row
// of framewise_displacement) are replaced by the mean of the other rows of
// their column, as nilearn's load_confounds does.
//
// Unlike nilearn, which warns and carries on, settings that cannot do what
// they say are errors: a cut-off at or above Nyquist, a cut-off with no
// filter, a low-pass with the cosine filter.

#include "neuro/series/parcel_series.h"
#include "neuro/signal/confounds.h"
#include "neuro/signal/detrend.h"

namespace neuro {

struct CleanOptions {
  enum class Filter { kNone, kCosine, kButterworth };
  using Standardize = neuro::Standardize;

  bool detrend = true;
  Filter filter = Filter::kNone;
  double high_pass_hz = 0;  // 0: none; needed by the cosine filter
  double low_pass_hz = 0;   // 0: none; Butterworth only
  int butterworth_order = 5;
  Standardize standardize = Standardize::kZScore;
  bool standardize_confounds = true;
};

// Cleans series.values ([T, P]) in place; the filters use series.tr_seconds.
// `confounds` (may be null) must have one row per frame. Computes in double
// precision. Throws std::runtime_error with one line "<file or 'series'>:
// <problem>" for: an inconsistent series, fewer than 2 frames, a NaN or
// infinite value, inconsistent filter settings or TR <= 0 with a filter, a
// series too short for the Butterworth padding, confounds with a different
// number of rows, or a confound column with no values.
void clean_series(ParcelSeries& series, const CleanOptions& options,
                  const ConfoundTable* confounds = nullptr);

}  // namespace neuro
