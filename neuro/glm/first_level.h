#pragma once
// The standard GLM analysis of one subject in one call per run: design, fit
// and one-vs-rest contrast per state; then the fixed-effects combination of
// the subject's runs. The group level is one_sample_t (group_level.h) over
// the subjects' combined contrasts.

#include <span>
#include <vector>

#include "neuro/bids/events.h"
#include "neuro/glm/contrast.h"
#include "neuro/glm/design_matrix.h"
#include "neuro/glm/glm_fit.h"
#include "neuro/series/parcel_series.h"
#include "neuro/signal/confounds.h"

namespace neuro {

struct FirstLevelOptions {
  DesignOptions design;  // set design.states so that every run shares one order
  GlmOptions fit;
};

struct FirstLevelResult {
  DesignMatrix design;
  GlmFit fit;
  std::vector<ContrastResult> contrasts;  // one_vs_rest_contrasts(design), in state order
};

// Uses series.tr_seconds and series.frames. Throws std::invalid_argument for a
// series without a positive TR, and whatever make_design_matrix, fit_glm and
// compute_contrast throw (a state without events in this run makes its
// one-vs-rest contrast inestimable: pass the states the run has, or leave the
// run out).
FirstLevelResult fit_first_level(const ParcelSeries& series, const EventsTable& events,
                                 const FirstLevelOptions& options = {},
                                 const ConfoundTable* confounds = nullptr);

// Per contrast name, the fixed-effects combination over the runs (same
// contrasts, same order, same columns in every run). Throws
// std::invalid_argument when the runs' contrasts differ in name or number.
std::vector<ContrastResult> combine_runs(std::span<const FirstLevelResult> runs);

}  // namespace neuro
