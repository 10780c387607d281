#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/recipe_options.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/explain_job.h"
#include "app/jobs/glm_job.h"
#include "core/attribution/integrated_gradients.h"
#include "core/attribution/lrp.h"
#include "core/io/atomic_file.h"

namespace cli {

namespace {

struct ExplainFlags {
  jobs::ExplainConfig config;
  RecipeFlags recipe;
  std::string baseline = "zero";
  std::string rule = "epsilon";
  int target = -1;
};

struct GlmFlags {
  jobs::GlmConfig config;
  RecipeFlags recipe;
  bool ols = false;
};

void print_scores(const jobs::ExplainResult& r) {
  std::printf("%-22s %12s %9s %9s %8s %7s %9s\n", "method", "faithfulness", "deletion", "random",
              "AUROC", "r GLM", "r random");
  for (const auto& m : r.methods) {
    std::printf("%-22s %12s %9.3f %9.3f %8.3f %7.3f %9.3f\n", m.method.c_str(),
                m.faithfulness ? std::to_string(*m.faithfulness).substr(0, 4).c_str() : "never",
                m.deletion_auc, m.random_deletion_auc, m.ground_truth_auroc, m.glm_r,
                m.randomised_r);
  }
}

}  // namespace

void add_explain_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "explain", "Attribution maps of a trained decoder's decisions, in brain space, evaluated");
  auto f = std::make_shared<ExplainFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("--decoder", c.decoder, "decoder.safetensors from `neuroseq train`")->required();
  cmd->add_option("-o,--output", c.output, "Results folder")->required();
  cmd->add_option("--method", c.methods,
                  "gradient, saliency, input_x_gradient, smoothgrad, integrated_gradients, lrp, "
                  "occlusion_parcels, occlusion_time (repeatable; default: all)");
  cmd->add_option("--target", f->target, "Explain this state index (default: the prediction)");
  cmd->add_option("--stride", c.stride, "Frames between windows")->capture_default_str();
  cmd->add_option("--ig-steps", c.options.integrated_gradients.steps,
                  "Integrated gradients: Gauss-Legendre nodes")
      ->capture_default_str();
  cmd->add_option("--ig-baseline", f->baseline, "Integrated gradients: zero or mean")
      ->capture_default_str();
  cmd->add_option("--smoothgrad-samples", c.options.smoothgrad.samples, "SmoothGrad: noisy copies")
      ->capture_default_str();
  cmd->add_option("--smoothgrad-sigma", c.options.smoothgrad.sigma,
                  "SmoothGrad: noise as a fraction of each window's range")
      ->capture_default_str();
  cmd->add_option("--lrp-rule", f->rule, "LRP: epsilon, gamma, alpha_beta or zbox")
      ->capture_default_str();
  cmd->add_option("--ground-truth", c.ground_truth,
                  "simulation.json of a simulated dataset (default: DATASET/sim/simulation.json)");
  cmd->add_option("--seed", c.seed, "Seed of the random controls")->capture_default_str();
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->final_callback([f] {
    auto& c = f->config;
    finish_recipe(c.recipe, f->recipe);
    c.options.target = f->target;
    c.options.integrated_gradients.baseline = core::parse_baseline(f->baseline);
    c.options.lrp.rule.kind = core::parse_lrp_rule(f->rule);
    const auto r = jobs::run_explain(c, terminal_job_context("explain"));
    print_scores(r);
    std::printf("report: %s\n", r.report.c_str());
  });
}

void add_glm_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "glm", "First-level and group GLM (one-vs-rest per state) on the parcel series");
  auto f = std::make_shared<GlmFlags>();
  auto& c = f->config;
  cmd->add_option("DATASET", c.dataset, "BIDS dataset or fMRIPrep derivatives folder")->required();
  cmd->add_option("-o,--output", c.output, "Results folder")->required();
  cmd->add_flag("--ols", f->ols, "Ordinary least squares instead of AR(1) prewhitening");
  cmd->add_option("--cluster-z", c.cluster_z, "|z| threshold of the cluster tables")
      ->capture_default_str();
  add_recipe_options(*cmd, c.recipe, c.filters, f->recipe);
  cmd->final_callback([f] {
    auto& c = f->config;
    finish_recipe(c.recipe, f->recipe);
    if (f->ols) c.noise_model = neuro::NoiseModel::ols;
    const auto r = jobs::run_glm(c, terminal_job_context("glm"));
    std::printf("%s: group z-maps of %zu states over %zu subjects (dof %.0f)\n", c.output.c_str(),
                r.states.size(), r.subjects.size(), r.group_dof);
  });
}

void add_compare_explanations_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "compare-explanations",
      "One table of the methods of several `neuroseq explain` folders (e.g. several models)");
  auto folders = std::make_shared<std::vector<std::filesystem::path>>();
  auto output = std::make_shared<std::filesystem::path>();
  cmd->add_option("FOLDER", *folders, "Folders written by `neuroseq explain`")->required();
  cmd->add_option("-o,--output", *output, "The combined table (.tsv)")->required();
  cmd->final_callback([folders, output] {
    std::string table;
    for (const auto& folder : *folders) {
      std::ifstream in(folder / "explanations.tsv");
      if (!in) {
        throw std::runtime_error((folder / "explanations.tsv").string() +
                                 ": cannot be read; is this a `neuroseq explain` folder?");
      }
      std::string line;
      bool first = true;
      while (std::getline(in, line)) {
        if (first) {
          if (table.empty()) table = "source\t" + line + "\n";
          first = false;
          continue;
        }
        table += folder.filename().string() + "\t" + line + "\n";
      }
    }
    core::write_text_atomically(*output, table);
    std::fputs(table.c_str(), stdout);
  });
}

}  // namespace cli
