#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/recipe_options.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/evaluate_job.h"
#include "app/jobs/train_job.h"

namespace cli {

namespace {
struct TrainFlags {
  jobs::TrainConfig config;
  RecipeFlags recipe;
  int64_t steps = 0;
};
struct EvaluateFlags {
  jobs::EvaluateConfig config;
  RecipeFlags recipe;
};
}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "train", "Train one decoder on the chosen subjects and save it (for evaluate and explain)");
  auto f = std::make_shared<TrainFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("-o,--output", c.output, "Decoder folder")->required();
  cmd->add_option("--model", c.preset, "Encoder preset name or .toml file")->capture_default_str();
  cmd->add_option("--pretrained", c.pretrained, "A pretrained encoder to fine-tune");
  cmd->add_option("--window", c.windows.length, "Frames per window")->capture_default_str();
  cmd->add_option("--stride", c.windows.stride, "Frames between windows")->capture_default_str();
  add_window_labelling_option(*cmd, c.windows.labelling);
  cmd->add_option("--steps", f->steps, "Training steps (default: preset's)");
  cmd->add_option("--seed", c.seed, "Seed of weights and batches")->capture_default_str();
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->final_callback([f] {
    auto& c = f->config;
    finish_recipe(c.recipe, f->recipe);
    if (f->steps > 0) c.steps = f->steps;
    const auto r = jobs::run_train(c, terminal_job_context("train"));
    std::printf("%s: %zu states, %zu subjects, %ld windows, training accuracy %.3f, %.0f s\n",
                r.decoder.c_str(), r.states.size(), r.subjects.size(), r.windows,
                r.training_accuracy, r.seconds);
  });
}

void add_evaluate_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("evaluate", "Apply a saved decoder to unseen subjects and score it");
  auto f = std::make_shared<EvaluateFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("--decoder", c.decoder, "decoder.safetensors from `neuroseq train`")->required();
  cmd->add_option("-o,--output", c.output, "Results folder")->required();
  cmd->add_option("--stride", c.stride, "Frames between test windows")->capture_default_str();
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->final_callback([f] {
    auto& c = f->config;
    finish_recipe(c.recipe, f->recipe);
    const auto r = jobs::run_evaluate(c, terminal_job_context("evaluate"));
    std::printf(
        "%s: %ld windows of %zu subjects: accuracy %.3f, balanced accuracy %.3f, macro-F1 %.3f "
        "(chance %.3f, binomial p = %.2g)\n",
        c.output.c_str(), r.windows, r.subjects.size(), r.scores.accuracy,
        r.scores.balanced_accuracy, r.scores.macro_f1, r.chance, r.binomial_p);
  });
}

}  // namespace cli
