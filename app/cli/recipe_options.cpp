#include "app/cli/recipe_options.h"

namespace cli {

void add_recipe_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters,
                        RecipeFlags& flags) {
  cmd.add_option("--atlas", recipe.atlas, "Label atlas (3-D integers)")->required();
  cmd.add_option("--atlas-names", flags.atlas_names, "Region names (.xml, .txt or .tsv)");
  cmd.add_option("--subject", filters.subjects, "Only these subjects (repeatable)");
  cmd.add_option("--task", filters.tasks, "Only these tasks (repeatable)");
  cmd.add_option("--space", filters.space, "Only preprocessed runs in this space");
  cmd.add_option("--hrf-lag", recipe.hrf_lag_seconds, "Haemodynamic lag of labels (s)")
      ->capture_default_str();
  cmd.add_option("--high-pass", flags.high_pass_hz, "Cosine high-pass cut-off in Hz (0: none)")
      ->capture_default_str();
  cmd.add_option("--confound", recipe.confounds,
                 "Confound columns to regress out (names or globs; repeatable)");
  cmd.add_flag("--no-confounds", flags.no_confounds, "Regress out no confounds");
  cmd.add_flag("--no-mask", flags.no_mask, "Ignore the runs' brain masks");
}

void finish_recipe(jobs::SeriesRecipe& recipe, const RecipeFlags& flags) {
  if (!flags.atlas_names.empty()) recipe.atlas_names = flags.atlas_names;
  if (flags.no_confounds) recipe.confounds.clear();
  recipe.use_brain_mask = !flags.no_mask;
  if (flags.high_pass_hz > 0) {
    recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
    recipe.clean.high_pass_hz = flags.high_pass_hz;
  }
}

}  // namespace cli
