#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/recipe_options.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/list_job.h"

namespace cli {

void add_ls_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "ls",
      "Show what decoding a dataset would use: subjects, sessions, tasks, runs, TR, spaces, "
      "states with their frames and windows, confound columns");
  auto config = std::make_shared<jobs::ListConfig>();
  auto flags = std::make_shared<RecipeFlags>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("DATASET", config->dataset, "BIDS dataset or fMRIPrep derivatives folder")
      ->required();
  add_dataset_options(*cmd, config->recipe, config->filters);
  add_confound_options(*cmd, config->recipe, *flags);
  cmd->add_option("--window", config->windows.length, "Frames per window counted")
      ->capture_default_str();
  cmd->add_option("--stride", config->windows.stride, "Frames between windows counted")
      ->capture_default_str();
  add_window_labelling_option(*cmd, config->windows.labelling);
  cmd->add_flag("--json", *json, "Print JSON instead of text");
  cmd->final_callback([config, flags, json] {
    finish_recipe(config->recipe, *flags);
    const auto listing = jobs::list_dataset(*config, terminal_job_context("ls"));
    const std::string text = *json ? listing.dump(2) + "\n" : jobs::format_listing(listing);
    std::fputs(text.c_str(), stdout);
  });
}

}  // namespace cli
