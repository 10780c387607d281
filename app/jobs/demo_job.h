#pragma once
// `neuroseq demo`: the whole path on an embedded default, end to end —
// simulate a small dataset, extract and clean parcel series, decode the mental
// states of held-out subjects, explain a fine-tuned decoder's decisions on
// the held-out half of the subjects, and write the results with a short report.

#include <filesystem>
#include <optional>
#include <string>

#include "app/jobs/decode_encoder_job.h"
#include "app/jobs/decode_linear_job.h"
#include "app/jobs/explain_job.h"
#include "app/jobs/job_context.h"
#include "app/jobs/train_job.h"
#include "neuro/sim/simulator.h"

namespace jobs {

struct DemoConfig {
  std::filesystem::path output = "demo-output";
  int subjects = 4;
  uint64_t seed = 1;
  bool overwrite = true;  // replace an earlier demo in `output`
  // The pretrained encoder to fine-tune; empty: the one shipped in resources.
  std::filesystem::path model;
  std::optional<int64_t> finetune_steps;  // default: the model's preset
};

// resources/models/<kShippedModel>/model.safetensors
inline constexpr const char* kShippedModel = "longconv-small";
std::filesystem::path shipped_model();

struct DemoResult {
  neuro::SimulationSummary simulation;
  LinearDecodeResult linear;
  EncoderDecodeResult encoder;
  TrainResult decoder;        // fine-tuned on the first half of the subjects
  ExplainResult explanation;  // of its decisions on the other half
  std::filesystem::path report;
};

DemoResult run_demo(const DemoConfig& config, const JobContext& context);

}  // namespace jobs
