#pragma once
// `neuroseq train`: trains one decoder on every labelled window of the chosen
// subjects (fine-tuning a pretrained encoder or from scratch) and saves it
// for `neuroseq evaluate` and `neuroseq explain`:
//   decoder.safetensors + decoder.json   weights, states, parcels, window,
//                                        resolved config, provenance

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/series/labelled_windows.h"

namespace jobs {

struct TrainConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;  // e.g. the training subjects
  SeriesRecipe recipe;
  neuro::WindowSpec windows{6, 2, neuro::WindowLabelling::kAuto};
  std::string preset = "longconv-small";
  std::filesystem::path pretrained;  // empty: from scratch
  std::optional<int64_t> steps;
  uint64_t seed = 1;
  std::filesystem::path output;
};

struct TrainResult {
  std::filesystem::path decoder;
  std::vector<std::string> states;
  std::vector<std::string> subjects;
  long windows = 0;
  double training_accuracy = 0;
  double seconds = 0;
};

TrainResult run_train(const TrainConfig& config, const JobContext& context);

}  // namespace jobs
