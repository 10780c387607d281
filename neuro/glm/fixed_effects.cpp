#include "neuro/glm/fixed_effects.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace neuro {

ContrastResult fixed_effects(std::span<const ContrastResult> runs) {
  if (runs.empty()) throw std::invalid_argument("fixed effects: no runs to combine");
  const int64_t v = runs.front().columns();
  for (size_t r = 0; r < runs.size(); ++r) {
    if (runs[r].columns() != v || runs[r].variance.size() != runs[r].effect.size()) {
      throw std::invalid_argument("fixed effects: run " + std::to_string(r) + " of contrast " +
                                  runs[r].name + " has " + std::to_string(runs[r].columns()) +
                                  " columns, expected " + std::to_string(v));
    }
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  ContrastResult out;
  out.name = runs.front().name;
  out.effect.assign(static_cast<size_t>(v), kNaN);
  out.variance.assign(static_cast<size_t>(v), kNaN);
  for (const auto& run : runs)
    out.dof += run.dof;
  for (size_t c = 0; c < static_cast<size_t>(v); ++c) {
    double weights = 0.0, weighted = 0.0;
    bool valid = true;
    for (const auto& run : runs) {
      const double var = run.variance[c];
      if (!(var > 0.0) || !std::isfinite(var) || !std::isfinite(run.effect[c])) {
        valid = false;
        break;
      }
      weights += 1.0 / var;
      weighted += run.effect[c] / var;
    }
    if (!valid) continue;
    out.effect[c] = weighted / weights;
    out.variance[c] = 1.0 / weights;
  }
  fill_t_and_z(out);
  return out;
}

}  // namespace neuro
