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
#include "app/jobs/train_job.h"
#include "job_config.h"
#include "simulated_folder.h"

namespace neuroseq_test {

struct BrowsePipeline {
  // At the simulator's own 3 mm rather than the tiny 5 mm: the browsing
  // tests' clusters and picture were worked out on this grid.
  std::unique_ptr<SimulatedFolder> folder = std::make_unique<SimulatedFolder>(
      "browse_pipeline", TinyDataset{.subjects = 3, .rest_runs = 0, .task_runs = 1, .seed = 3},
      [](neuro::SimulationOptions& sim) {
        sim.task_frames = 100;
        sim.space.voxel_size_mm = 3.0;
      });
  std::filesystem::path root = folder->path();
  std::filesystem::path dataset = root / "ds";
  std::filesystem::path decoding = root / "decoding";
  std::filesystem::path decoder_dir = root / "decoder";
  std::filesystem::path explanations = root / "explanations";
  std::filesystem::path glm = root / "glm";
  const neuro::SimulationSummary& simulation = folder->summary();
  jobs::TrainResult decoder;
  jobs::ExplainResult explained;

  BrowsePipeline() {
    const jobs::JobContext quiet;
    jobs::SeriesRecipe recipe;
    recipe.atlas = simulation.atlas_image;
    recipe.atlas_names = simulation.atlas_table;
    recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
    recipe.clean.high_pass_hz = 0.008;

    jobs::run_decode_linear(config_on<jobs::LinearDecodeConfig>(dataset, recipe, decoding), quiet);

    auto train = config_on<jobs::TrainConfig>(dataset, recipe, decoder_dir);
    train.steps = 20;
    decoder = jobs::run_train(train, quiet);

    auto explain = config_on<jobs::ExplainConfig>(dataset, recipe, explanations);
    explain.decoder = decoder.decoder;
    explain.methods = {"gradient", "input_x_gradient"};
    explain.stride = 4;
    explained = jobs::run_explain(explain, quiet);

    jobs::run_glm(config_on<jobs::GlmConfig>(dataset, recipe, glm), quiet);
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
