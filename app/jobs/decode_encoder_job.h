#pragma once
// Mental-state decoding with a sequence encoder: trained from scratch, or
// built on a pretrained encoder that is fine-tuned or kept frozen (then a
// logistic-regression head on its pooled output, cheap enough for a
// label-permutation test). Cross-validated across subjects: nothing from a
// test subject reaches training or any normalisation statistic.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/decoding_outputs.h"
#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct EncoderDecodeConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;
  SeriesRecipe recipe;
  neuro::WindowSpec windows{6, 2, neuro::WindowLabelling::kAuto};
  std::string preset = "longconv-small";  // architecture from scratch; fine-tuning settings
  std::filesystem::path pretrained;       // a pretrain job's model.safetensors; empty: none
  bool freeze = false;                    // pretrained only
  std::optional<int64_t> steps;           // overrides the preset's fine-tuning steps
  int folds = 0;                          // 0: leave one subject out
  // An explicit split instead of folds (both or neither).
  std::vector<std::string> train_subjects;
  std::vector<std::string> test_subjects;
  int max_train_subjects = 0;  // per fold, train on the first N training subjects (0: all)
  double l2 = 1e-2;            // the frozen encoder's logistic-regression head
  int permutations = 0;        // frozen encoders only
  uint64_t seed = 1;
  std::string label;  // output file label; default from the model
  std::filesystem::path output;
};

struct EncoderDecodeResult {
  DecodingSummary summary;
  double training_seconds = 0;
  double windows_per_second = 0;  // training throughput (fine-tuning only)
};

EncoderDecodeResult run_decode_encoder(const EncoderDecodeConfig& config,
                                       const JobContext& context);

}  // namespace jobs
