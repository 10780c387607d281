#pragma once
// One BOLD run made ready for a decoder: parcel series extracted with the
// atlas, cleaned with the run's confounds, and one state label per TR.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/bids/events.h"
#include "neuro/series/parcel_series.h"
#include "neuro/signal/clean.h"

namespace jobs {

struct SeriesRecipe {
  std::filesystem::path atlas;  // label atlas; resampled to each run's grid once
  std::optional<std::filesystem::path> atlas_names;
  bool use_brain_mask = true;  // the run's fMRIPrep mask when there is one
  neuro::CleanOptions clean;
  // Confound columns (names or globs) taken from the run's confounds table.
  std::vector<std::string> confounds{"trans_*", "rot_*", "csf", "white_matter"};
  double hrf_lag_seconds = neuro::kDefaultHrfLagSeconds;
};

struct RunSeries {
  const neuro::BoldRun* run = nullptr;
  neuro::ParcelSeries series;  // [T, P], cleaned
  neuro::TrLabels labels;      // one per frame
};

// Task runs only (runs without events are skipped). `states` fixes the state
// order shared by every run; empty: the sorted union of all trial types.
std::vector<RunSeries> prepare_task_runs(const neuro::DatasetIndex& index,
                                         const SeriesRecipe& recipe,
                                         std::vector<std::string>& states,
                                         const JobContext& context);

// Every run, rest and task alike, for self-supervised pretraining; labels
// are left empty.
std::vector<RunSeries> prepare_all_runs(const neuro::DatasetIndex& index,
                                        const SeriesRecipe& recipe, const JobContext& context);

}  // namespace jobs
