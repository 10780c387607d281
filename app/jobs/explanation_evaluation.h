#pragma once
// Which attribution map to believe: faithfulness to the model (occlusion
// accuracy and deletion curves, each with a random-order control),
// plausibility (agreement with the simulator's ground-truth regions and with
// the GLM), and the randomised-weights sanity check.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/jobs/explain_job.h"
#include "app/jobs/labelled_data.h"
#include "core/attribution/parcel_maps.h"

namespace jobs {

struct MethodCurves {
  std::string method;
  std::vector<double> fractions;
  std::vector<double> accuracy;         // top parcels occluded
  std::vector<double> random_accuracy;  // random parcels occluded
  double chance = 0;
};

// Fills scores' faithfulness, deletion AUCs, ground-truth AUROC (mean over
// states of the group map against the state's regions; NaN without truth),
// GLM agreement (when `glm_z` [C * P] is given) and randomised_r (mean over
// states of Pearson r between the model's and a randomised model's maps).
MethodCurves evaluate_method(core::WindowClassifier& model, const LabelledData& data,
                             int64_t frames, const core::Tensor& parcel_relevance,
                             const std::vector<int>& targets, const core::StateParcelMaps& maps,
                             const core::StateParcelMaps& randomised_maps,
                             const std::vector<int>& parcel_labels,
                             const std::optional<std::map<std::string, std::set<int>>>& truth,
                             const std::vector<double>* glm_z, uint64_t seed, MethodScores& scores);

// method-<method>_faithfulness.tsv: fraction, accuracy, random_accuracy.
void write_faithfulness_tsv(const std::filesystem::path& folder, const MethodCurves& curves);

// method-<method>_windows.tsv: one row per window (subject, session, task,
// run, first frame, onset in seconds, true, decoded and explained state) with
// its relevance summed over frames, one column per parcel (`parcels` names).
void write_window_relevance_tsv(const std::filesystem::path& folder, const std::string& method,
                                const LabelledData& data, const std::vector<int>& predicted,
                                const std::vector<int>& targets,
                                const core::Tensor& parcel_relevance,
                                const std::vector<std::string>& parcels);

}  // namespace jobs
