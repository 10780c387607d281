#pragma once
// `neuroseq explain`: attribution maps of a trained decoder's decisions on a
// dataset's windows, in brain space, with the numbers that say which map to
// believe. For every method:
//   sub-<group|XX>_space-<s>_stat-<method>_desc-<state>_statmap.nii.gz (+ .json)
//       relevance summed over the window, averaged over correctly decoded
//       windows of the state, painted on the atlas's voxels
//   sub-group_..._stat-<method>time_desc-<state>_statmap.nii.gz
//       the same per frame of the window (4-D, the decision at the last frame)
//   sub-group_..._stat-<method>z_desc-<state>_statmap.nii.gz
//       group level: one-sample t over the subjects' maps, as z
//   ..._clusters.tsv        peaks, sizes and regions of the maps
//   method-<method>_faithfulness.tsv   accuracy as top parcels are occluded
//   method-<method>_windows.tsv        every window's relevance per parcel
// and for all methods explanations.tsv (faithfulness, deletion AUC with its
// random control, agreement with the ground truth on simulated data, the
// randomised-weights sanity check, conservation/completeness errors),
// plots/*.png and report.html.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "core/attribution/explain.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct ExplainConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;  // e.g. the test subjects
  SeriesRecipe recipe;
  std::filesystem::path decoder;
  std::vector<std::string> methods;  // empty: every method
  int64_t stride = 2;
  core::ExplainOptions options;
  // simulation.json of a simulated dataset; empty: <dataset>/sim/simulation.json
  // when there is one.
  std::filesystem::path ground_truth;
  uint64_t seed = 1;
  std::filesystem::path output;
};

struct MethodScores {
  std::string method;
  double mean_error = 0;               // completeness (IG) or conservation (LRP); NaN otherwise
  std::optional<double> faithfulness;  // first occluded fraction at chance
  double deletion_auc = 0;
  double random_deletion_auc = 0;
  double ground_truth_auroc = 0;  // NaN without ground truth
  double glm_r = 0;               // Pearson r with the GLM's group z-maps (mean over states)
  double glm_dice = 0;            // Dice of the top 10 % parcels with them
  double randomised_r = 0;        // correlation with a randomised model's maps
  double seconds = 0;
};

struct ExplainResult {
  std::vector<std::string> states;
  long windows = 0;
  long correct = 0;
  std::vector<MethodScores> methods;
  std::filesystem::path report;
};

ExplainResult run_explain(const ExplainConfig& config, const JobContext& context);

}  // namespace jobs
