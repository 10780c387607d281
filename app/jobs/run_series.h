#pragma once
// One BOLD run made ready for a decoder: parcel series extracted with the
// atlas, cleaned with the run's confounds, and one state label per TR.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/run_labels.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/series/parcel_series.h"
#include "neuro/signal/clean.h"
#include "neuro/signal/confound_strategy.h"

namespace jobs {

struct SeriesRecipe {
  std::filesystem::path atlas;  // label atlas; resampled to each run's grid once
  std::optional<std::filesystem::path> atlas_names;
  bool use_brain_mask = true;  // the run's fMRIPrep mask when there is one
  neuro::CleanOptions clean;
  // Confounds regressed out of each run that has an fMRIPrep confounds
  // table: the columns named (names or globs) when any are, else the
  // strategy's (nilearn's load_confounds strategies). Frames the strategy
  // censors (scrubbing, non-steady state) label no window.
  bool use_confounds = true;
  std::vector<std::string> confounds;
  neuro::ConfoundStrategy confound_strategy;
  LabelRecipe labels;
  // fMRIPrep outputs kept apart from the dataset (the dataset then gives the
  // events); empty: found inside it (derivatives/fmriprep) or none.
  std::filesystem::path derivatives;
};

// The index of `dataset` as the recipe and the filters say.
neuro::DatasetIndex index_for(const std::filesystem::path& dataset, const SeriesRecipe& recipe,
                              const neuro::IndexFilters& filters);

// The recipe as the results' config records it.
nlohmann::json recipe_record(const SeriesRecipe& recipe);

struct RunSeries {
  const neuro::BoldRun* run = nullptr;
  neuro::ParcelSeries series;  // [T, P], cleaned
  neuro::TrLabels labels;      // one per frame
  neuro::EventsTable events;   // the run's events, named by their states
};

// Task runs only (runs without events are skipped). `states` fixes the state
// order shared by every run; empty: the dataset's states (dataset_states).
std::vector<RunSeries> prepare_task_runs(const neuro::DatasetIndex& index,
                                         const SeriesRecipe& recipe,
                                         std::vector<std::string>& states,
                                         const JobContext& context);

// Every run, rest and task alike, for self-supervised pretraining; labels
// are left empty.
std::vector<RunSeries> prepare_all_runs(const neuro::DatasetIndex& index,
                                        const SeriesRecipe& recipe, const JobContext& context);

}  // namespace jobs
