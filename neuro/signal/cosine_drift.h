#pragma once
// High-pass filtering by regression: a discrete cosine basis whose
// frequencies lie below the cut-off, regressed out of the signals together
// with the other confounds. Numerically the same as nilearn's
// create_cosine_drift (nilearn.glm.first_level.design_matrix) and the way
// nilearn.signal.clean appends it to the confounds.

#include <cstdint>

#include "neuro/signal/confounds.h"

namespace neuro {

// The DCT-II regressors below `high_pass_hz` for `frames` frames sampled every
// `tr_seconds`, without the constant term (the signals are centred anyway):
//   K = min(T - 1, floor(2 T high_pass_hz TR))
//   column k - 1 = sqrt(2 / T) cos(pi / T (t + 0.5) k),  t = 0..T-1, k = 1..K
// The columns are orthonormal. K is 0 when the series is too short for any
// cosine below the cut-off. Columns are named drift_1 .. drift_K.
// Throws std::invalid_argument for frames < 2, TR <= 0 or a cut-off <= 0.
ConfoundTable cosine_drift(int64_t frames, double tr_seconds, double high_pass_hz);

// The confounds nilearn.signal.clean regresses out with filter='cosine': the
// user's confounds followed by the cosine drift terms, unless one of the
// user's columns already correlates above 0.9 with a drift term (the user
// supplied their own, e.g. fMRIPrep's cosineXX), in which case the user's
// confounds are used alone. `confounds` may be null.
ConfoundTable append_cosine_drift(const ConfoundTable* confounds, int64_t frames, double tr_seconds,
                                  double high_pass_hz);

}  // namespace neuro
