#pragma once
// The linear baseline decoder: multinomial logistic regression on the mean
// parcel vector of each labelled window, cross-validated across subjects so
// that nothing from a test subject reaches training or the feature scaling.

#include <filesystem>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "core/metrics/classification.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/series/labelled_windows.h"

namespace jobs {

struct LinearDecodeConfig {
  std::filesystem::path dataset;  // BIDS root or fMRIPrep/derivatives root
  neuro::IndexFilters filters;
  SeriesRecipe recipe;
  neuro::WindowSpec windows{4, 4};
  int folds = 0;  // 0: leave one subject out; k >= 2: k folds of whole subjects
  double l2 = 1e-2;
  std::filesystem::path output;  // results folder (BIDS-derivatives style)
};

struct LinearDecodeResult {
  std::vector<std::string> states;
  core::ClassificationScores scores;
  double chance = 0;      // 1 / number of states
  double binomial_p = 1;  // accuracy against chance
  long windows = 0;
  int folds = 0;
  std::vector<std::string> subjects;
};

LinearDecodeResult run_decode_linear(const LinearDecodeConfig& config, const JobContext& context);

}  // namespace jobs
