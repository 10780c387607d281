#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/recipe_options.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/decode_encoder_job.h"
#include "app/jobs/decode_linear_job.h"

namespace cli {

namespace {

struct DecodeFlags {
  jobs::LinearDecodeConfig linear;
  jobs::EncoderDecodeConfig encoder;
  std::string model = "linear";
  RecipeFlags recipe;
  int64_t window = 0;
  int64_t stride = 0;
  int64_t steps = 0;
  neuro::WindowLabelling labelling = jobs::LinearDecodeConfig{}.windows.labelling;
};

void print_summary(const std::filesystem::path& output, const jobs::DecodingSummary& r) {
  std::printf(
      "%s: %s, %ld windows, %zu states, %d folds: accuracy %.3f, balanced accuracy %.3f, "
      "macro-F1 %.3f (chance %.3f, binomial p = %.2g",
      output.c_str(), r.model.c_str(), r.windows, r.states.size(), r.folds, r.scores.accuracy,
      r.scores.balanced_accuracy, r.scores.macro_f1, r.chance, r.binomial_p);
  if (r.permutation_p >= 0)
    std::printf(", permutation p = %.3g over %d", r.permutation_p, r.permutations);
  std::printf(")\n");
}

}  // namespace

void add_decode_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "decode", "Decode mental states of held-out subjects (cross-validated across subjects)");
  auto f = std::make_shared<DecodeFlags>();
  auto& c = f->encoder;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("--model", f->model,
                  "linear (logistic regression on window means) or an encoder preset "
                  "(longconv-small, s4d-small, hyena-small, transformer-small, ... or a .toml)")
      ->capture_default_str();
  cmd->add_option("--pretrained", c.pretrained,
                  "A pretrained encoder (model.safetensors from `neuroseq pretrain`)");
  cmd->add_flag("--freeze", c.freeze,
                "Keep the pretrained encoder frozen and fit a logistic-regression head");
  cmd->add_option("-o,--output", c.output, "Results folder")->required();
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->add_option("--window", f->window, "Frames per window (default: 4 linear, 6 encoders)");
  cmd->add_option("--stride", f->stride, "Frames between windows (default: 4 linear, 2 encoders)");
  add_window_labelling_option(*cmd, f->labelling);
  cmd->add_option("--folds", c.folds, "Folds of whole subjects (0: leave one subject out)")
      ->capture_default_str();
  cmd->add_option("--train-subject", c.train_subjects,
                  "Train on these subjects only (repeatable; with --test-subject)");
  cmd->add_option("--test-subject", c.test_subjects, "Test on these subjects (repeatable)");
  cmd->add_option("--max-train-subjects", c.max_train_subjects,
                  "Per fold, train on the first N training subjects (0: all)")
      ->capture_default_str();
  cmd->add_option("--steps", f->steps, "Training steps of an encoder (default: preset's)");
  cmd->add_option("--l2", c.l2, "L2 penalty of logistic-regression heads")->capture_default_str();
  cmd->add_option("--permutations", c.permutations,
                  "Label-permutation test (linear and frozen encoders): refits with labels "
                  "shuffled within runs (0: none)")
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "Seed of weights, batches and permutations")
      ->capture_default_str();
  cmd->add_option("--label", c.label, "Name of the output files (model-<label>_*)");
  cmd->final_callback([f] {
    auto& c = f->encoder;
    finish_recipe(c.recipe, f->recipe);
    if (f->model == "linear") {
      if (!c.pretrained.empty() || c.freeze) {
        throw std::runtime_error("decode: --pretrained and --freeze need an encoder --model");
      }
      auto& l = f->linear;
      l.dataset = c.dataset;
      l.filters = c.filters;
      l.recipe = c.recipe;
      l.output = c.output;
      l.folds = c.folds;
      l.train_subjects = c.train_subjects;
      l.test_subjects = c.test_subjects;
      l.max_train_subjects = c.max_train_subjects;
      l.l2 = c.l2;
      l.permutations = c.permutations;
      l.seed = c.seed;
      if (f->window > 0) l.windows.length = f->window;
      if (f->stride > 0) l.windows.stride = f->stride;
      l.windows.labelling = f->labelling;
      print_summary(c.output, jobs::run_decode_linear(l, terminal_job_context("decode")));
      return;
    }
    c.preset = f->model;
    if (f->window > 0) c.windows.length = f->window;
    if (f->stride > 0) c.windows.stride = f->stride;
    c.windows.labelling = f->labelling;
    if (f->steps > 0) c.steps = f->steps;
    const auto r = jobs::run_decode_encoder(c, terminal_job_context("decode"));
    print_summary(c.output, r.summary);
    if (r.windows_per_second > 0)
      std::printf("training: %.1f windows/s over %.1f s\n", r.windows_per_second,
                  r.training_seconds);
  });
}

}  // namespace cli
