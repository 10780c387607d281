#pragma once
// The options that say how runs become parcel series (atlas, confounds,
// filtering, mask, labels), shared by every command that reads a dataset.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"

namespace cli {

struct RecipeFlags {
  std::string atlas_names;
  double high_pass_hz = 0.008;
  bool no_mask = false;
  bool no_confounds = false;
};

// Adds --atlas (required), --atlas-names, --hrf-lag, --high-pass,
// --confound, --no-confounds, --no-mask, --subject, --task and --space.
void add_recipe_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters,
                        RecipeFlags& flags);

// Applies the flags that need more than a plain assignment.
void finish_recipe(jobs::SeriesRecipe& recipe, const RecipeFlags& flags);

}  // namespace cli
