#pragma once
// `neuroseq extract`: a BOLD run and an atlas become one time series per
// region, optionally cleaned, written as TSV.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "neuro/series/parcel_series.h"
#include "neuro/signal/clean.h"

namespace jobs {

struct ExtractConfig {
  std::filesystem::path bold;
  std::filesystem::path atlas;  // 3-D labels, or 4-D maps with `probabilistic`
  bool probabilistic = false;
  std::optional<std::filesystem::path> atlas_names;
  std::optional<std::filesystem::path> mask;  // none: computed from the data when compute_mask
  bool compute_mask = false;
  bool clean = false;
  neuro::CleanOptions clean_options;
  std::optional<std::filesystem::path> confounds;  // fMRIPrep confounds TSV
  std::vector<std::string> confound_columns;       // names or globs ("trans_*")
  std::filesystem::path output;                    // .tsv
};

struct ExtractResult {
  neuro::ParcelSeries series;  // [T, P]
  std::vector<std::string> notes;
};

ExtractResult run_extract(const ExtractConfig& config, const JobContext& context);

}  // namespace jobs
