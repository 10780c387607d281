#pragma once
// Detrending and standardisation of time series stored as [frames, columns]
// row-major buffers, with nilearn.signal's conventions (_detrend and
// standardize_signal), in double precision.

#include <cstdint>

namespace neuro {

enum class Standardize {
  kNone,
  kZScore,               // centred, divided by the population std (ddof 0), nilearn's 'zscore'
  kZScoreSample,         // centred, divided by the sample std (ddof 1), nilearn's 'zscore_sample'
  kPercentSignalChange,  // (x - mean) / |mean| * 100, nilearn's 'psc'
};

// Removes each column's mean and least-squares line over the frame index.
// A single frame is left as it is (there is no line to fit).
void detrend(double* x, int64_t frames, int64_t columns);

// Removes each column's mean only.
void demean(double* x, int64_t frames, int64_t columns);

// Standardises each column in place. A column whose std is below machine
// epsilon is centred but not scaled (it would otherwise blow up); under
// kPercentSignalChange a column whose mean is below epsilon in magnitude is
// set to zero, since a change relative to zero means nothing. A single frame
// is left as it is.
void standardize(double* x, int64_t frames, int64_t columns, Standardize how);

}  // namespace neuro
