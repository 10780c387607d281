#include "neuro/glm/first_level.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "neuro/glm/fixed_effects.h"

namespace neuro {

FirstLevelResult fit_first_level(const ParcelSeries& series, const EventsTable& events,
                                 const FirstLevelOptions& options, const ConfoundTable* confounds) {
  if (!(series.tr_seconds > 0.0) || !std::isfinite(series.tr_seconds)) {
    throw std::invalid_argument("first level: the series has no valid TR (" +
                                std::to_string(series.tr_seconds) + ")");
  }
  FirstLevelResult result;
  result.design =
      make_design_matrix(events, series.frames, series.tr_seconds, options.design, confounds);
  result.fit = fit_glm(result.design, series, options.fit);
  for (const auto& contrast : one_vs_rest_contrasts(result.design))
    result.contrasts.push_back(compute_contrast(result.fit, contrast));
  return result;
}

std::vector<ContrastResult> combine_runs(std::span<const FirstLevelResult> runs) {
  if (runs.empty()) throw std::invalid_argument("combine runs: no runs");
  const auto& first = runs.front().contrasts;
  std::vector<ContrastResult> combined;
  for (size_t c = 0; c < first.size(); ++c) {
    std::vector<ContrastResult> per_run;
    for (size_t r = 0; r < runs.size(); ++r) {
      const auto& contrasts = runs[r].contrasts;
      if (contrasts.size() != first.size() || contrasts[c].name != first[c].name) {
        throw std::invalid_argument("combine runs: run " + std::to_string(r) +
                                    " does not have the contrasts of run 0 (" + first[c].name +
                                    " at position " + std::to_string(c) + ")");
      }
      per_run.push_back(contrasts[c]);
    }
    combined.push_back(fixed_effects(per_run));
  }
  return combined;
}

}  // namespace neuro
