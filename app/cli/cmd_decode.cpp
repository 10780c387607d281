#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/decode_linear_job.h"

namespace cli {

namespace {
struct DecodeFlags {
  jobs::LinearDecodeConfig config;
  std::string model = "linear";
  std::string atlas_names;
  double high_pass_hz = 0.008;
  bool no_mask = false;
  bool all_confounds_off = false;
};
}  // namespace

void add_decode_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "decode", "Decode mental states of held-out subjects (cross-validated across subjects)");
  auto f = std::make_shared<DecodeFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("--atlas", c.recipe.atlas, "Label atlas (3-D integers)")->required();
  cmd->add_option("--atlas-names", f->atlas_names, "Region names (.xml, .txt or .tsv)");
  cmd->add_option("--model", f->model, "Decoder: linear (multinomial logistic regression)")
      ->check(CLI::IsMember({"linear"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", c.output, "Results folder")->required();
  cmd->add_option("--subject", c.filters.subjects, "Only these subjects (repeatable)");
  cmd->add_option("--task", c.filters.tasks, "Only these tasks (repeatable)");
  cmd->add_option("--space", c.filters.space, "Only preprocessed runs in this space");
  cmd->add_option("--window", c.windows.length, "Frames per window")->capture_default_str();
  cmd->add_option("--stride", c.windows.stride, "Frames between windows")->capture_default_str();
  cmd->add_option("--folds", c.folds, "Folds of whole subjects (0: leave one subject out)")
      ->capture_default_str();
  cmd->add_option("--l2", c.l2, "L2 penalty of the linear decoder")->capture_default_str();
  cmd->add_option("--hrf-lag", c.recipe.hrf_lag_seconds, "Haemodynamic lag of labels (s)")
      ->capture_default_str();
  cmd->add_option("--high-pass", f->high_pass_hz, "Cosine high-pass cut-off in Hz (0: none)")
      ->capture_default_str();
  cmd->add_option("--confound", c.recipe.confounds,
                  "Confound columns to regress out (names or globs; repeatable)");
  cmd->add_flag("--no-confounds", f->all_confounds_off, "Regress out no confounds");
  cmd->add_flag("--no-mask", f->no_mask, "Ignore the runs' brain masks");
  cmd->final_callback([f] {
    auto& c = f->config;
    if (!f->atlas_names.empty()) c.recipe.atlas_names = f->atlas_names;
    if (f->all_confounds_off) c.recipe.confounds.clear();
    c.recipe.use_brain_mask = !f->no_mask;
    if (f->high_pass_hz > 0) {
      c.recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
      c.recipe.clean.high_pass_hz = f->high_pass_hz;
    }
    const auto r = jobs::run_decode_linear(c, terminal_job_context("decode"));
    std::printf(
        "%s: %ld windows, %zu states, %d folds: accuracy %.3f, balanced accuracy %.3f, "
        "macro-F1 %.3f (chance %.3f, binomial p = %.2g)\n",
        c.output.c_str(), r.windows, r.states.size(), r.folds, r.scores.accuracy,
        r.scores.balanced_accuracy, r.scores.macro_f1, r.chance, r.binomial_p);
  });
}

}  // namespace cli
