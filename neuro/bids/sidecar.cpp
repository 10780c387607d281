#include "neuro/bids/sidecar.h"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <tuple>

namespace neuro {

namespace fs = std::filesystem;

namespace {

bool entities_apply(const std::vector<BidsEntity>& candidate, const std::vector<BidsEntity>& data) {
  return std::all_of(candidate.begin(), candidate.end(), [&](const BidsEntity& entity) {
    return std::any_of(data.begin(), data.end(), [&](const BidsEntity& d) {
      return d.key == entity.key && same_bids_label(d.value, entity.value);
    });
  });
}

// `directory` and its parents up to `root`, the root first. The paths keep the
// caller's spelling; only the test of being inside `root` resolves links.
std::vector<fs::path> folders_from_root(const fs::path& root, const fs::path& directory) {
  auto folder = directory.lexically_normal();
  if (!folder.has_filename()) folder = folder.parent_path();  // "a/b/" names "a/b"
  std::error_code ec;
  const auto relative =
      fs::weakly_canonical(directory, ec).lexically_relative(fs::weakly_canonical(root, ec));
  if (ec || relative.empty() || *relative.begin() == "..") return {folder};
  std::vector<fs::path> folders{folder};
  if (relative != ".") {
    const auto depth = std::distance(relative.begin(), relative.end());
    for (std::ptrdiff_t up = 1; up < depth; ++up) {
      folder = folder.parent_path();
      folders.push_back(folder);
    }
    folders.push_back(root);
  }
  std::reverse(folders.begin(), folders.end());
  return folders;
}

}  // namespace

std::vector<fs::path> inherited_files(const fs::path& root, const fs::path& directory,
                                      const std::vector<BidsEntity>& entities,
                                      std::string_view suffix, std::string_view extension) {
  struct Found {
    size_t depth;
    size_t specificity;
    fs::path path;
  };
  std::vector<Found> found;
  const auto folders = folders_from_root(root, directory);
  for (size_t depth = 0; depth < folders.size(); ++depth) {
    std::error_code ec;
    for (fs::directory_iterator it(folders[depth], ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const auto name = try_parse_bids_name(it->path().filename().string());
      if (!name || name->suffix != suffix || name->extension != extension) continue;
      if (!entities_apply(name->entities, entities)) continue;
      found.push_back({depth, name->entities.size(), it->path()});
    }
  }
  // Within one folder BIDS forbids two applicable files; where a dataset has
  // them anyway, the one naming more entities is taken as the more specific.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.depth, a.specificity, a.path) < std::tie(b.depth, b.specificity, b.path);
  });
  std::vector<fs::path> files;
  files.reserve(found.size());
  for (auto& f : found)
    files.push_back(std::move(f.path));
  return files;
}

fs::path nearest_inherited_file(const fs::path& root, const fs::path& directory,
                                const std::vector<BidsEntity>& entities, std::string_view suffix,
                                std::string_view extension) {
  auto files = inherited_files(root, directory, entities, suffix, extension);
  return files.empty() ? fs::path() : files.back();
}

nlohmann::json read_json_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the file");
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path.string() + ": malformed JSON: " + e.what());
  }
}

SidecarMetadata read_sidecar_metadata(const fs::path& data_file, const fs::path& root) {
  const auto name = parse_bids_name(data_file.filename().string());
  return read_inherited_metadata(root, data_file.parent_path(), name.entities, name.suffix);
}

SidecarMetadata read_inherited_metadata(const fs::path& root, const fs::path& directory,
                                        const std::vector<BidsEntity>& entities,
                                        std::string_view suffix) {
  SidecarMetadata metadata;
  metadata.files = inherited_files(root, directory, entities, suffix, ".json");
  for (const auto& file : metadata.files) {
    const auto values = read_json_file(file);
    if (!values.is_object()) {
      throw std::runtime_error(file.string() + ": a sidecar must hold a JSON object, found " +
                               values.type_name());
    }
    // Keys override whole, as the principle says: no merging inside a value.
    for (const auto& [key, value] : values.items()) {
      metadata.values[key] = value;
      metadata.source_of[key] = file;
    }
  }
  return metadata;
}

void SidecarMetadata::overlay(const SidecarMetadata& more_specific) {
  for (const auto& [key, value] : more_specific.values.items())
    values[key] = value;
  for (const auto& [key, file] : more_specific.source_of)
    source_of[key] = file;
  files.insert(files.end(), more_specific.files.begin(), more_specific.files.end());
}

}  // namespace neuro
