#pragma once
// `neuroseq evaluate`: applies a saved decoder to a dataset (subjects it never
// saw) and writes the same results as cross-validated decoding: scores with
// the binomial test, confusion matrix, predictions and per-run timelines.

#include <filesystem>

#include "app/jobs/decoding_outputs.h"
#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct EvaluateConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;
  SeriesRecipe recipe;
  std::filesystem::path decoder;  // decoder.safetensors from `neuroseq train`
  int64_t stride = 2;             // frames between test windows
  std::filesystem::path output;
};

DecodingSummary run_evaluate(const EvaluateConfig& config, const JobContext& context);

}  // namespace jobs
