#include "app/cli/recipe_options.h"

#include <map>

#include "app/jobs/decoding_outputs.h"

namespace cli {

void add_dataset_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters) {
  cmd.add_option("--derivatives", recipe.derivatives,
                 "fMRIPrep outputs kept apart from DATASET (DATASET then gives the events)");
  cmd.add_option("--subject", filters.subjects, "Only these subjects (repeatable)");
  cmd.add_option("--session", filters.sessions, "Only these sessions (repeatable)");
  cmd.add_option("--task", filters.tasks, "Only these tasks (repeatable)");
  cmd.add_option("--run", filters.runs, "Only these runs (repeatable)");
  cmd.add_option("--space", filters.space, "Only preprocessed runs in this space");
  cmd.add_option("--state-column", recipe.labels.events.state_column,
                 "The events column that names the states")
      ->capture_default_str();
  cmd.add_option("--state", recipe.labels.states,
                 "States to decode: a trial type or glob ('face*'), or NAME=GLOB[,GLOB] to merge "
                 "(repeatable; default: every trial type)");
  const std::map<std::string, neuro::LabelRule> rules{{"hrf", neuro::LabelRule::kHrf},
                                                      {"lag", neuro::LabelRule::kLag}};
  cmd.add_option("--label-rule", recipe.labels.rule.rule,
                 "Frames get the state whose HRF-convolved events dominate them (hrf), or of the "
                 "event they follow by --hrf-lag seconds (lag)")
      ->transform(CLI::CheckedTransformer(rules))
      ->default_str(neuro::label_rule_name(recipe.labels.rule.rule));
  cmd.add_option("--hrf-lag", recipe.labels.rule.hrf_lag_seconds,
                 "Haemodynamic lag of the lag rule (s)")
      ->capture_default_str();
  cmd.add_option("--merge-gap", recipe.labels.rule.merge_gap_seconds,
                 "Lag rule: events of one state closer than this (s) form one block")
      ->capture_default_str();
}

void add_confound_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, RecipeFlags& flags) {
  cmd.add_option("--confound-strategy", flags.confound_strategy,
                 "Confounds as nilearn's load_confounds strategies: words of motion[=basic|"
                 "derivatives|power2|full], wm_csf[=...], global_signal[=...], high_pass, "
                 "compcor[=anat_combined|anat_separated|temporal|temporal_anat_combined|"
                 "temporal_anat_separated][:N|:all], scrub[=MIN_SEGMENT], non_steady_state, "
                 "fd_threshold=MM, std_dvars_threshold=X, comma-separated")
      ->default_str(neuro::describe(recipe.confound_strategy));
  cmd.add_option("--confound", recipe.confounds,
                 "Confound columns to regress out instead of a strategy (names or globs; "
                 "repeatable)");
  cmd.add_flag("--no-confounds", flags.no_confounds, "Regress out no confounds");
}

void add_recipe_options(CLI::App& cmd, jobs::SeriesRecipe& recipe, neuro::IndexFilters& filters,
                        RecipeFlags& flags) {
  cmd.add_option("--atlas", recipe.atlas,
                 "Atlas: labels (3-D integers, a dseg) or probabilistic maps (4-D, a probseg)")
      ->required();
  cmd.add_option("--atlas-names", flags.atlas_names, "Region names (.xml, .txt or .tsv)");
  add_dataset_options(cmd, recipe, filters);
  cmd.add_option("--high-pass", flags.high_pass_hz, "Cosine high-pass cut-off in Hz (0: none)")
      ->capture_default_str();
  add_confound_options(cmd, recipe, flags);
  cmd.add_flag("--no-mask", flags.no_mask, "Ignore the runs' brain masks");
}

void finish_recipe(jobs::SeriesRecipe& recipe, const RecipeFlags& flags) {
  if (!flags.atlas_names.empty()) recipe.atlas_names = flags.atlas_names;
  if (!flags.confound_strategy.empty()) {
    try {
      recipe.confound_strategy = neuro::parse_confound_strategy(flags.confound_strategy);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("--confound-strategy: ") + e.what());
    }
  }
  if (flags.no_confounds) recipe.use_confounds = false;
  recipe.use_brain_mask = !flags.no_mask;
  if (flags.high_pass_hz > 0) {
    recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
    recipe.clean.high_pass_hz = flags.high_pass_hz;
  }
}

void add_window_labelling_option(CLI::App& cmd, neuro::WindowLabelling& labelling) {
  const std::map<std::string, neuro::WindowLabelling> names{
      {"auto", neuro::WindowLabelling::kAuto},
      {"whole", neuro::WindowLabelling::kWhole},
      {"last-frame", neuro::WindowLabelling::kLastFrame}};
  cmd.add_option("--window-labelling", labelling,
                 "Windows of one state throughout (whole), labelled by their last frame "
                 "(last-frame), or whole unless last-frame lets more states be decoded (auto)")
      ->transform(CLI::CheckedTransformer(names))
      ->default_str(jobs::window_labelling_name(labelling));
}

}  // namespace cli
