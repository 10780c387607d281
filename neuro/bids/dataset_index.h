#pragma once
// An index of the BOLD runs of a BIDS dataset and, when present, its fMRIPrep
// derivatives: for each run, the image, its TR, its events, its confounds and
// its brain mask. Everything a decoding or GLM job needs to find its inputs.
//
// Layouts understood:
//   raw BIDS root, with fMRIPrep outputs in <root>/derivatives/fmriprep (or in
//   another folder of <root>/derivatives whose dataset_description.json names
//   fMRIPrep in GeneratedBy);
//   a standalone derivative folder (dataset_description.json with
//   "DatasetType": "derivative"), with its raw dataset two levels up when it
//   sits in <raw>/derivatives/<name>;
//   raw BIDS alone.

#include <filesystem>
#include <string>
#include <vector>

#include "neuro/bids/entities.h"

namespace neuro {

// Which images are listed. kAuto: the preprocessed ones
// (*_desc-preproc_bold) when a derivative dataset holds some; otherwise the
// raw-style ones (*_bold without desc) of the raw dataset, or of the
// derivative dataset when it is alone (simulated data are written that way).
enum class BoldSource { kAuto, kRaw, kPreprocessed };

struct IndexFilters {
  // Labels with or without their prefix ("01" or "sub-01") and with or
  // without zero padding ("1" matches sub-01). Empty: all.
  std::vector<std::string> subjects;
  std::vector<std::string> sessions;
  std::vector<std::string> tasks;
  std::vector<std::string> runs;  // compared as numbers when both are: "1" matches run-01
  std::string space;              // preprocessed runs only; empty: every space

  bool empty() const;
  // "subject=01,02 task=motor", for messages.
  std::string describe() const;
};

struct IndexOptions {
  IndexFilters filters;
  BoldSource source = BoldSource::kAuto;
  // Compare each sidecar RepetitionTime with the NIfTI header's TR (reads
  // each image's header).
  bool check_header_tr = true;
};

struct BoldRun {
  std::string subject;  // labels without prefix; "" where the name has none
  std::string session;
  std::string task;
  std::string run;
  std::string space;
  BidsName name;  // every entity of the image's file name
  std::filesystem::path bold;
  bool preprocessed = false;
  // Seconds, from the sidecars (the header's TR when no sidecar gives one, 0
  // when neither does; a warning says which).
  double repetition_time = 0;
  std::filesystem::path repetition_time_source;  // the sidecar (or image) it came from
  std::vector<std::filesystem::path> sidecars;   // least specific first
  std::filesystem::path events;                  // empty: none (resting state)
  std::filesystem::path confounds;               // preprocessed runs only
  std::filesystem::path brain_mask;              // preprocessed runs only, same space
};

struct DatasetIndex {
  std::filesystem::path raw_root;          // empty when only derivatives are known
  std::filesystem::path derivatives_root;  // empty when none was found
  std::vector<BoldRun> runs;               // by subject, session, task, run, file name
  std::vector<std::string> warnings;       // "<file>: <what is odd>"
};

// Finds the raw and derivative roots from either one, then indexes.
// Throws std::runtime_error("<path>: <problem>"): the root does not exist, no
// BOLD image matches (the filters are named), a sidecar or
// dataset_description.json cannot be read or is malformed, a RepetitionTime
// that is not a positive number.
DatasetIndex index_dataset(const std::filesystem::path& root, const IndexOptions& options = {});

// The same with both roots given; either may be empty, not both.
DatasetIndex index_dataset(const std::filesystem::path& raw_root,
                           const std::filesystem::path& derivatives_root,
                           const IndexOptions& options = {});

// The fMRIPrep derivative folder of a raw dataset, or an empty path.
std::filesystem::path find_fmriprep_derivatives(const std::filesystem::path& raw_root);

}  // namespace neuro
