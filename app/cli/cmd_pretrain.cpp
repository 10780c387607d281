#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/recipe_options.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/pretrain_job.h"

namespace cli {

namespace {
struct PretrainFlags {
  jobs::PretrainConfig config;
  RecipeFlags recipe;
  std::string objective;
  int64_t steps = 0;
};
}  // namespace

void add_pretrain_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "pretrain", "Pretrain an encoder self-supervised on every run of one or more datasets");
  auto f = std::make_shared<PretrainFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.datasets, "BIDS datasets or fMRIPrep derivatives folders")
      ->required();
  cmd->add_option("-o,--output", c.output, "Model folder")->required();
  cmd->add_option("--preset", c.preset, "Model preset name or .toml file")->capture_default_str();
  cmd->add_option("--objective", f->objective, "causal, masked or autoencode (default: preset's)")
      ->check(CLI::IsMember({"causal", "masked", "autoencode"}));
  cmd->add_option("--steps", f->steps, "Training steps (default: preset's)");
  cmd->add_option("--frames", c.frames, "Window length in frames (default: encoder's maximum)");
  cmd->add_option("--validation", c.validation_fraction, "Share of runs held out")
      ->capture_default_str();
  cmd->add_option("--checkpoint-every", c.checkpoint_every, "Steps between checkpoints")
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "Seed of the weights, batches and dropout")
      ->capture_default_str();
  cmd->add_flag("--resume", c.resume, "Continue from the output folder's checkpoint");
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->final_callback([f] {
    auto& c = f->config;
    finish_recipe(c.recipe, f->recipe);
    if (!f->objective.empty()) c.objective = f->objective;
    if (f->steps > 0) c.steps = f->steps;
    const auto r = jobs::run_pretrain(c, terminal_job_context("pretrain"));
    std::printf(
        "%s: %lld steps on %d runs (%d held out), loss %.4f -> %.4f, validation %.4f "
        "(predicting the mean: %.4f), %.0f s\n",
        r.model.c_str(), static_cast<long long>(r.steps), r.training_runs, r.validation_runs,
        r.first_loss, r.last_loss, r.validation_loss, r.validation_baseline, r.seconds);
  });
}

}  // namespace cli
