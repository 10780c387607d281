#pragma once
// `neuroseq pretrain`: self-supervised pretraining of an encoder on every run
// (rest and task alike) of one or more datasets, with validation runs held
// out, checkpoints every N steps and exact resumption.
//
// Output folder:
//   model.safetensors + model.json     the pretrained model (encoder + head)
//   checkpoint.safetensors + .json     training state; --resume continues it
//   history.tsv                        step, training loss, validation loss
//   pretrain.json                      resolved config, seeds, provenance

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/model_preset.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct PretrainConfig {
  std::vector<std::filesystem::path> datasets;
  neuro::IndexFilters filters;
  SeriesRecipe recipe;
  std::string preset = "longconv-small";  // name or .toml file
  std::optional<std::string> objective;   // overrides the preset's
  std::optional<int64_t> steps;           // overrides the preset's
  int64_t frames = 0;                     // window length; 0: the encoder's max_frames
  double validation_fraction = 0.1;       // share of runs held out
  uint64_t seed = 1;
  int64_t checkpoint_every = 100;
  bool resume = false;
  std::filesystem::path output;
};

struct PretrainResult {
  std::filesystem::path model;
  int64_t steps = 0;
  bool stopped = false;
  double first_loss = 0;
  double last_loss = 0;  // mean of the last 20 steps
  double validation_loss = 0;
  double validation_baseline = 0;  // loss of predicting zero (the runs' mean)
  int training_runs = 0;
  int validation_runs = 0;
  int64_t parcels = 0;
  double seconds = 0;
};

PretrainResult run_pretrain(const PretrainConfig& config, const JobContext& context);

}  // namespace jobs
