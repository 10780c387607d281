#pragma once
// BIDS-derivatives output folders: the dataset_description.json that makes a
// folder of maps a derivative dataset other tools recognise, and where each
// output file goes inside it.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "neuro/bids/entities.h"

namespace neuro {

inline constexpr std::string_view kBidsVersion = "1.8.0";

struct SourceDataset {
  std::string url;      // "bids::", "file://...", "https://..."; optional
  std::string doi;      // optional
  std::string version;  // optional
};

struct DerivativeDescription {
  std::string name;                            // "NeuroSeq attribution maps"
  std::string version;                         // the NeuroSeq version that wrote the outputs
  std::string code_url;                        // optional
  std::vector<SourceDataset> source_datasets;  // optional
};

// Writes <root>/dataset_description.json: Name, BIDSVersion, DatasetType
// "derivative", GeneratedBy [{Name "NeuroSeq", Version, CodeURL}] and
// SourceDatasets when given. Atomic. Throws std::invalid_argument when the
// name or version is empty, or a source dataset has neither URL nor DOI.
void write_dataset_description(const std::filesystem::path& root,
                               const DerivativeDescription& description);

// What a dataset_description.json says about the dataset it describes.
struct DatasetDescription {
  std::string name;
  std::string dataset_type = "raw";       // BIDS: "raw" when the field is absent
  std::vector<std::string> generated_by;  // GeneratedBy[].Name
  bool exists = false;                    // false: the folder has no description
};

// Reads <root>/dataset_description.json. A missing file gives exists = false;
// a file that is not a JSON object or has fields of the wrong type throws
// std::runtime_error("<file>: <problem>").
DatasetDescription read_dataset_description(const std::filesystem::path& root);

// <root>/sub-<label>[/ses-<label>]/<datatype>/<name.filename()>. Throws
// std::invalid_argument when the name has no subject or the datatype is not a
// label.
std::filesystem::path derivative_path(const std::filesystem::path& root, const BidsName& name,
                                      std::string_view datatype);

}  // namespace neuro
