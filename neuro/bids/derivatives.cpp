#include "neuro/bids/derivatives.h"

#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "neuro/bids/sidecar.h"

namespace neuro {

namespace fs = std::filesystem;

void write_dataset_description(const fs::path& root, const DerivativeDescription& description) {
  const auto target = root / "dataset_description.json";
  if (description.name.empty()) {
    throw std::invalid_argument(target.string() + ": the dataset needs a Name");
  }
  if (description.version.empty()) {
    throw std::invalid_argument(target.string() + ": GeneratedBy needs the NeuroSeq Version");
  }
  // Insertion order kept so the file reads in the order the specification
  // lists the fields.
  nlohmann::ordered_json json;
  json["Name"] = description.name;
  json["BIDSVersion"] = std::string(kBidsVersion);
  json["DatasetType"] = "derivative";
  nlohmann::ordered_json generator;
  generator["Name"] = "NeuroSeq";
  generator["Version"] = description.version;
  if (!description.code_url.empty()) generator["CodeURL"] = description.code_url;
  json["GeneratedBy"] = nlohmann::ordered_json::array({generator});
  if (!description.source_datasets.empty()) {
    auto sources = nlohmann::ordered_json::array();
    for (const auto& source : description.source_datasets) {
      if (source.url.empty() && source.doi.empty()) {
        throw std::invalid_argument(target.string() + ": a source dataset needs a URL or a DOI");
      }
      nlohmann::ordered_json entry = nlohmann::ordered_json::object();
      if (!source.url.empty()) entry["URL"] = source.url;
      if (!source.doi.empty()) entry["DOI"] = source.doi;
      if (!source.version.empty()) entry["Version"] = source.version;
      sources.push_back(std::move(entry));
    }
    json["SourceDatasets"] = std::move(sources);
  }
  core::write_text_atomically(target, json.dump(2) + "\n");
}

DatasetDescription read_dataset_description(const fs::path& root) {
  const auto file = root / "dataset_description.json";
  DatasetDescription description;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return description;
  const auto json = read_json_file(file);
  const auto wrong = [&](const std::string& problem) {
    throw std::runtime_error(file.string() + ": " + problem);
  };
  if (!json.is_object()) wrong("expected a JSON object");
  description.exists = true;
  if (const auto it = json.find("Name"); it != json.end()) {
    if (!it->is_string()) wrong("Name must be a string");
    description.name = it->get<std::string>();
  }
  if (const auto it = json.find("DatasetType"); it != json.end()) {
    if (!it->is_string()) wrong("DatasetType must be a string (\"raw\" or \"derivative\")");
    description.dataset_type = it->get<std::string>();
  }
  if (const auto it = json.find("GeneratedBy"); it != json.end()) {
    if (!it->is_array()) wrong("GeneratedBy must be an array of objects");
    for (const auto& generator : *it) {
      if (!generator.is_object()) wrong("GeneratedBy must be an array of objects");
      const auto name = generator.find("Name");
      if (name != generator.end() && name->is_string()) {
        description.generated_by.push_back(name->get<std::string>());
      }
    }
  }
  return description;
}

fs::path derivative_path(const fs::path& root, const BidsName& name, std::string_view datatype) {
  const auto subject = name.get("sub");
  if (!subject) {
    throw std::invalid_argument("BIDS name " + name.filename() + " has no sub- entity");
  }
  if (!is_bids_label(datatype)) {
    throw std::invalid_argument("'" + std::string(datatype) + "' is not a BIDS datatype");
  }
  auto folder = root / ("sub-" + *subject);
  if (const auto session = name.get("ses")) folder /= "ses-" + *session;
  return folder / std::string(datatype) / name.filename();
}

}  // namespace neuro
