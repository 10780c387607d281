#pragma once
// The group level: a one-sample t test over subjects of their contrast
// estimates, per column (the random-effects "summary statistics" approach of
// SPM's and nilearn's second level with an intercept-only design).
//
// Per column, with subject estimates e_1..e_n:
//   effect = mean,  variance = s^2 / n (s^2 the unbiased sample variance),
//   t = effect / sqrt(variance),  dof = n - 1,  z = z_from_t(t, n - 1).

#include <cstdint>
#include <span>
#include <string>

#include "neuro/glm/contrast.h"

namespace neuro {

// effects [S, V] row-major, one row per subject. A column whose estimates are
// all equal has variance 0 and NaN t and z. Throws std::invalid_argument for
// fewer than 2 subjects, a span that is not [subjects, columns], or a value
// that is not finite.
ContrastResult one_sample_t(std::span<const double> effects, int64_t subjects, int64_t columns,
                            std::string name = "");

// The same over the subjects' results of one contrast (their effects), e.g.
// the fixed-effects combinations of each subject's runs. Keeps the first
// subject's name.
ContrastResult one_sample_t(std::span<const ContrastResult> subjects);

}  // namespace neuro
