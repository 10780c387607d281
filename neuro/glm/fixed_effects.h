#pragma once
// Several runs of one subject: the fixed-effects combination of a contrast's
// run-level estimates into one subject-level estimate, as nilearn's
// compute_fixed_effects and FSL's fixed-effects level do it.
//
// Per column, with run estimates e_r and variances v_r:
//   w_r = 1 / v_r,  effect = sum w_r e_r / sum w_r,  variance = 1 / sum w_r,
//   t = effect / sqrt(variance),  dof = sum of the runs' dof,  z = z_from_t.

#include <span>

#include "neuro/glm/contrast.h"

namespace neuro {

// The runs' results of the same contrast (same columns). The result keeps the
// first run's name. A column where some run's variance is not positive and
// finite gets NaN effect, variance, t and z. Throws std::invalid_argument for
// no runs or runs whose column counts differ.
ContrastResult fixed_effects(std::span<const ContrastResult> runs);

}  // namespace neuro
