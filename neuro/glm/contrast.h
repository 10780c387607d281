#pragma once
// Linear contrasts of a first-level fit: the effect c'b, its variance
// sigma^2 c'(X_w'X_w)^-1 c, the t statistic and its z score, per column; and
// the one-vs-rest contrasts that give one map per mental state, the maps that
// attribution maps are compared with.

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "neuro/glm/design_matrix.h"
#include "neuro/glm/glm_fit.h"

namespace neuro {

// Weights over the design's regressors, zeros for those not involved.
struct Contrast {
  std::string name;
  std::vector<double> weights;  // [K]
};

// A contrast (or a combination of them) per column, with the dof its t uses.
struct ContrastResult {
  std::string name;
  std::vector<double> effect;    // [V] c'b
  std::vector<double> variance;  // [V] variance of the effect
  std::vector<double> t;         // [V] effect / sqrt(variance); NaN where variance <= 0
  std::vector<double> z;         // [V] z_from_t(t, dof)
  double dof = 0;

  int64_t columns() const { return static_cast<int64_t>(effect.size()); }
};

// Fills t and z from effect, variance and dof (t and z resized to match).
void fill_t_and_z(ContrastResult& result);

// Throws std::invalid_argument when the weights are not one per regressor or
// not finite, or when a non-zero weight falls on an inestimable regressor (the
// contrast is then not estimable; the message names the regressor).
ContrastResult compute_contrast(const GlmFit& fit, const Contrast& contrast);

// Weights by regressor name, e.g. {{"faces", 1}, {"houses", -1}}; throws
// std::invalid_argument naming a regressor the design does not have.
Contrast make_contrast(const DesignMatrix& design, std::string name,
                       const std::vector<std::pair<std::string, double>>& weights);

// For each state k of the design (in order), "<state>_vs_rest": weight 1 on
// state k and -1/(S-1) on each of the S-1 other states, so that the effect is
// state k minus the mean of the others. With a single state: weight 1 on it
// (the state against the implicit baseline).
std::vector<Contrast> one_vs_rest_contrasts(const DesignMatrix& design);

}  // namespace neuro
