#pragma once
// Real pipeline outputs for the browsing tests, made once per test process
// (a few seconds): a small simulated dataset on the phantom, the linear
// decoder's results, a briefly trained encoder decoder, its explanations
// (two methods) and the GLM's z-maps, side by side in one folder:
//   <root>/ds  <root>/decoding  <root>/decoder  <root>/explanations  <root>/glm

#include <filesystem>
#include <memory>
#include <string>

#include "app/jobs/decode_linear_job.h"
#include "app/jobs/explain_job.h"
#include "app/jobs/glm_job.h"
#include "app/jobs/simulate_job.h"
#include "app/jobs/train_job.h"
#include "temp_dir.h"

namespace neuroseq_test {

struct BrowsePipeline {
  std::unique_ptr<TempDir> dir = std::make_unique<TempDir>("browse_pipeline");
  std::filesystem::path root = dir->path();
  std::filesystem::path dataset = root / "ds";
  std::filesystem::path decoding = root / "decoding";
  std::filesystem::path decoder_dir = root / "decoder";
  std::filesystem::path explanations = root / "explanations";
  std::filesystem::path glm = root / "glm";
  neuro::SimulationSummary simulation;
  jobs::TrainResult decoder;
  jobs::ExplainResult explained;

  BrowsePipeline() {
    const jobs::JobContext quiet;
    neuro::SimulationOptions sim;
    sim.output_root = dataset;
    sim.subjects = 3;
    sim.rest_runs = 0;
    sim.task_runs = 1;
    sim.task_frames = 100;
    sim.space.atlas = neuro::AtlasChoice::kPhantom;
    sim.seed = 3;
    simulation = jobs::run_simulate(sim, quiet);

    jobs::SeriesRecipe recipe;
    recipe.atlas = simulation.atlas_image;
    recipe.atlas_names = simulation.atlas_table;
    recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
    recipe.clean.high_pass_hz = 0.008;

    jobs::LinearDecodeConfig linear;
    linear.dataset = dataset;
    linear.recipe = recipe;
    linear.output = decoding;
    jobs::run_decode_linear(linear, quiet);

    jobs::TrainConfig train;
    train.dataset = dataset;
    train.recipe = recipe;
    train.steps = 20;
    train.output = decoder_dir;
    decoder = jobs::run_train(train, quiet);

    jobs::ExplainConfig explain;
    explain.dataset = dataset;
    explain.recipe = recipe;
    explain.decoder = decoder.decoder;
    explain.methods = {"gradient", "input_x_gradient"};
    explain.stride = 4;
    explain.output = explanations;
    explained = jobs::run_explain(explain, quiet);

    jobs::GlmConfig glm_config;
    glm_config.dataset = dataset;
    glm_config.recipe = recipe;
    glm_config.output = glm;
    jobs::run_glm(glm_config, quiet);
  }

  // sub-group map of `stat` ("grad", "ixg", "z") and `state` in `folder`.
  std::filesystem::path group_map(const std::filesystem::path& folder, const std::string& stat,
                                  const std::string& state) const {
    return folder / ("sub-group_space-" + simulation.space + "_stat-" + stat + "_desc-" + state +
                     "_statmap.nii.gz");
  }
  // A state every explained method has a group map of (a state gets maps
  // only when some of its windows were decoded correctly).
  std::string explained_state() const {
    for (const auto& state : explained.states) {
      if (std::filesystem::exists(group_map(explanations, "grad", state)) &&
          std::filesystem::exists(group_map(explanations, "ixg", state))) {
        return state;
      }
    }
    return {};
  }
  std::filesystem::path ground_truth(const std::string& state) const {
    return simulation.ground_truth_dir /
           ("sub-group_space-" + simulation.space + "_desc-" + state + "_groundtruth.nii.gz");
  }
};

// Made on first use, removed when the process ends.
inline const BrowsePipeline& browse_pipeline() {
  static const BrowsePipeline pipeline;
  return pipeline;
}

}  // namespace neuroseq_test
