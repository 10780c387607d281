#pragma once
// The explanation results for people: explanations.tsv (one row per method),
// PNG plots (accuracy as the most relevant parcels are occluded; the methods
// side by side) and a static report.html that links every file.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/jobs/explain_job.h"
#include "app/jobs/explanation_evaluation.h"

namespace jobs {

// "0.10", or "not reached" when occlusion never brought accuracy to chance:
// the faithfulness cell of every table.
std::string faithfulness_text(const MethodScores& m);

// A score with 3 decimals, or "n/a" where it is undefined (NaN: a method
// whose maps do not vary, say).
std::string score_text(double v);

// Returns the report's path.
std::filesystem::path write_explanation_report(const std::filesystem::path& folder,
                                               const ExplainResult& result,
                                               const std::vector<MethodCurves>& curves,
                                               const nlohmann::json& provenance);

}  // namespace jobs
