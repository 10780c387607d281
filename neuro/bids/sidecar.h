#pragma once
// The BIDS inheritance principle: metadata for a data file may sit in any
// folder from the file's own up to the dataset root, in files whose entities
// are a subset of the data file's. JSON values from files nearer the data
// file (and, in one folder, naming more entities) override the others.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuro/bids/entities.h"

namespace neuro {

// Files "<entities>_<suffix><extension>" that apply to a data file with
// `entities` living in `directory`: found in `directory` and each parent up to
// and including `root`, each with entities that the data file also has, with
// the same values. Ordered from the least specific (nearest the root, fewest
// entities) to the most specific. When `directory` is not inside `root`, only
// `directory` itself is searched.
std::vector<std::filesystem::path> inherited_files(const std::filesystem::path& root,
                                                   const std::filesystem::path& directory,
                                                   const std::vector<BidsEntity>& entities,
                                                   std::string_view suffix,
                                                   std::string_view extension);

// The most specific of inherited_files, or an empty path when none applies.
std::filesystem::path nearest_inherited_file(const std::filesystem::path& root,
                                             const std::filesystem::path& directory,
                                             const std::vector<BidsEntity>& entities,
                                             std::string_view suffix, std::string_view extension);

struct SidecarMetadata {
  nlohmann::json values = nlohmann::json::object();        // merged; the most specific file wins
  std::vector<std::filesystem::path> files;                // least specific first
  std::map<std::string, std::filesystem::path> source_of;  // key -> the file whose value won

  // Lays `more_specific` over this: its keys win, its files come last.
  void overlay(const SidecarMetadata& more_specific);
};

// Merges the JSON sidecars of `data_file` (same suffix, ".json") inside the
// dataset at `root`. Throws std::runtime_error("<sidecar>: <problem>") when a
// sidecar cannot be read, is not valid JSON, or is not a JSON object.
SidecarMetadata read_sidecar_metadata(const std::filesystem::path& data_file,
                                      const std::filesystem::path& root);

// The same for a data file that is not there (or lives in another dataset):
// the sidecars a file with `entities` and `suffix` in `directory` would have.
SidecarMetadata read_inherited_metadata(const std::filesystem::path& root,
                                        const std::filesystem::path& directory,
                                        const std::vector<BidsEntity>& entities,
                                        std::string_view suffix);

// Reads a JSON file; throws std::runtime_error("<path>: <problem>") when it
// cannot be read or parsed.
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace neuro
