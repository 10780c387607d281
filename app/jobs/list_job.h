#pragma once
// `neuroseq ls`: what decoding a dataset would use, before anything runs:
// subjects, sessions, tasks, runs with their TR and volumes, spaces, the
// states with the frames and windows each would give, and the confound
// columns. Reads headers, sidecars and events only.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "app/jobs/decode_linear_job.h"
#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct ListConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;
  SeriesRecipe recipe;  // its labels and derivatives; the atlas is not read
  // The windows counted: those `neuroseq decode` makes by default.
  neuro::WindowSpec windows = LinearDecodeConfig{}.windows;
};

// The listing as JSON (the text form is made from it). Throws
// std::runtime_error "<path>: ..." when the dataset cannot be indexed.
nlohmann::json list_dataset(const ListConfig& config, const JobContext& context);

// The same for people: a summary, a table of runs, a table of states.
std::string format_listing(const nlohmann::json& listing);

}  // namespace jobs
