#pragma once
// The options that say how runs become parcel series (atlas, confounds,
// filtering, mask, labels), shared by every command that reads a dataset.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/series/labelled_windows.h"

namespace cli {

struct RecipeFlags {
  std::string atlas_names;
  double high_pass_hz = 0.008;
  bool no_mask = false;
  bool no_confounds = false;
  std::string confound_strategy;  // empty: the recipe's
};

// Adds what finds runs and labels them: --derivatives, --subject, --session,
// --task, --run, --space, --state-column, --state, --label-rule, --hrf-lag.
void add_dataset_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters);

// --confound-strategy, --confound and --no-confounds.
void add_confound_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, RecipeFlags& flags);

// The dataset and confound options, and --atlas (required), --atlas-names,
// --high-pass and --no-mask.
void add_recipe_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters,
                        RecipeFlags& flags);

// Applies the flags that need more than a plain assignment.
void finish_recipe(jobs::SeriesRecipe& recipe, const RecipeFlags& flags);

// --window-labelling auto|whole|last-frame into `labelling` (its value is
// the default shown).
void add_window_labelling_option(CLI::App& cmd, neuro::WindowLabelling& labelling);

}  // namespace cli
