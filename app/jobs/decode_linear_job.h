#pragma once
// The linear baseline decoder: multinomial logistic regression on the mean
// parcel vector of each labelled window, cross-validated across subjects so
// that nothing from a test subject reaches training or the feature scaling.

#include <filesystem>
#include <string>
#include <vector>

#include "app/jobs/decoding_outputs.h"
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
  neuro::WindowSpec windows{4, 4, neuro::WindowLabelling::kAuto};
  int folds = 0;  // 0: leave one subject out; k >= 2: k folds of whole subjects
  // An explicit split instead of folds (both or neither).
  std::vector<std::string> train_subjects;
  std::vector<std::string> test_subjects;
  int max_train_subjects = 0;  // per fold, train on the first N training subjects (0: all)
  double l2 = 1e-2;
  // Label-permutation test: refits with labels shuffled within runs (0: none).
  int permutations = 0;
  uint64_t seed = 1;
  std::filesystem::path output;  // results folder (BIDS-derivatives style)
};

using LinearDecodeResult = DecodingSummary;

LinearDecodeResult run_decode_linear(const LinearDecodeConfig& config, const JobContext& context);

}  // namespace jobs
