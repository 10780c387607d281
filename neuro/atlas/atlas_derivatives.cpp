#include "neuro/atlas/atlas_derivatives.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "neuro/bids/entities.h"
#include "neuro/bids/sidecar.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

// "tpl-MNIInfant" + "1" -> "MNIInfant+1", the way fMRIPrep and NiBabies spell
// a cohort in space- labels.
std::string with_cohort(const std::string& tpl, const std::string& cohort) {
  return cohort.empty() ? tpl : tpl + "+" + cohort;
}

// The value of "<key>-<value>" when `folder` is named so.
std::optional<std::string> folder_entity(const fs::path& folder, std::string_view key) {
  const std::string name = folder.filename().string();
  const std::string prefix = std::string(key) + "-";
  if (name.size() > prefix.size() && name.starts_with(prefix)) return name.substr(prefix.size());
  return std::nullopt;
}

void note_count_mismatch(size_t named, int64_t volumes, const fs::path& table,
                         std::vector<std::string>& notes) {
  const auto count = static_cast<int64_t>(named);
  if (count == volumes) return;
  std::string line = table.string() + ": names " + std::to_string(count) +
                     " regions but the image has " + std::to_string(volumes) + " volumes: ";
  if (count < volumes) {
    std::vector<int64_t> unnamed;
    for (int64_t k = count; k < volumes; ++k)
      unnamed.push_back(k);
    line += "volumes " + list_numbers(unnamed) + " (from 0) are called map_<volume>";
  } else {
    line += "the last " + std::to_string(count - volumes) + " names are not used";
  }
  notes.push_back(std::move(line));
}

bool is_background_name(std::string_view name) {
  return name.empty() || lower(name) == "background";
}

}  // namespace

AtlasFileName parse_atlas_file_name(const fs::path& file) {
  AtlasFileName out;
  const std::string name = file.filename().string();
  const auto dot = name.find('.');
  const std::string stem = name.substr(0, dot);
  out.extension = dot == std::string::npos ? "" : name.substr(dot);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const auto end = stem.find('_', start);
    parts.push_back(stem.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (parts.size() < 2) return out;
  // Only a name made of key-value parts and a suffix counts as BIDS.
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto dash = parts[i].find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == parts[i].size()) return out;
  }
  out.suffix = parts.back();
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto dash = parts[i].find('-');
    const std::string key = parts[i].substr(0, dash);
    const std::string value = parts[i].substr(dash + 1);
    if (key == "atlas") out.atlas = value;
    if (key == "tpl") out.tpl = value;
    if (key == "cohort") out.cohort = value;
    if (key == "space") out.space = value;
  }
  return out;
}

std::string atlas_template_space(const fs::path& atlas_file) {
  const AtlasFileName name = parse_atlas_file_name(atlas_file);
  if (!name.tpl.empty()) return with_cohort(name.tpl, name.cohort);
  if (!name.space.empty()) return name.space;
  // tpl-<label>/[cohort-<label>/]anat/<file>: TemplateFlow's folders.
  std::string cohort = name.cohort;
  fs::path folder = atlas_file.parent_path();
  for (int depth = 0; depth < 3 && !folder.empty() && folder.has_filename(); ++depth) {
    if (auto value = folder_entity(folder, "cohort"); value && cohort.empty()) cohort = *value;
    if (auto value = folder_entity(folder, "tpl")) return with_cohort(*value, cohort);
    folder = folder.parent_path();
  }
  // The JSON sidecar beside the image (no inheritance: a root-level sidecar
  // may serve several templates).
  if (!name.suffix.empty()) {
    std::string base = atlas_file.filename().string();
    base = base.substr(0, base.find('.'));
    const fs::path sidecar = atlas_file.parent_path() / (base + ".json");
    if (is_file(sidecar)) {
      const nlohmann::json values = read_json_file(sidecar);
      if (values.is_object()) {
        if (auto it = values.find("Space"); it != values.end() && it->is_string()) {
          return it->get<std::string>();
        }
        if (auto it = values.find("SpatialReference"); it != values.end() && it->is_string()) {
          const auto reference = it->get<std::string>();
          const auto at = reference.find("tpl-");
          if (at != std::string::npos) {
            const auto end = reference.find_first_of("_/.", at + 4);
            return reference.substr(at + 4, end == std::string::npos ? end : end - at - 4);
          }
        }
      }
    }
  }
  return {};
}

fs::path atlas_dataset_root(const fs::path& atlas_file) {
  const fs::path directory =
      atlas_file.parent_path().empty() ? fs::path(".") : atlas_file.parent_path();
  for (fs::path folder = directory; !folder.empty(); folder = folder.parent_path()) {
    if (is_file(folder / "dataset_description.json")) return folder;
    if (!folder.has_relative_path() || folder == folder.parent_path()) break;
  }
  for (fs::path folder = directory; !folder.empty(); folder = folder.parent_path()) {
    if (folder_entity(folder, "tpl")) return folder.parent_path();
    if (!folder.has_relative_path() || folder == folder.parent_path()) break;
  }
  return directory;
}

std::optional<fs::path> find_atlas_table(const fs::path& atlas_file, std::string_view suffix) {
  const auto name = try_parse_bids_name(atlas_file.filename().string());
  if (name) {
    const fs::path directory =
        atlas_file.parent_path().empty() ? fs::path(".") : atlas_file.parent_path();
    fs::path found = nearest_inherited_file(atlas_dataset_root(atlas_file), directory,
                                            name->entities, suffix, ".tsv");
    if (!found.empty()) return found;
    return std::nullopt;
  }
  // Labels such as MNIInfant+1 are not BIDS labels: only the table beside.
  const AtlasFileName lenient = parse_atlas_file_name(atlas_file);
  if (lenient.suffix != suffix) return std::nullopt;
  std::string base = atlas_file.filename().string();
  base = base.substr(0, base.find('.'));
  const fs::path beside = atlas_file.parent_path() / (base + ".tsv");
  if (is_file(beside)) return beside;
  return std::nullopt;
}

std::optional<LabelMapList> find_label_map(const fs::path& atlas_file) {
  const auto name = try_parse_bids_name(atlas_file.filename().string());
  if (!name) return std::nullopt;
  const fs::path directory =
      atlas_file.parent_path().empty() ? fs::path(".") : atlas_file.parent_path();
  const SidecarMetadata metadata = read_inherited_metadata(atlas_dataset_root(atlas_file),
                                                           directory, name->entities, name->suffix);
  const auto it = metadata.values.find("LabelMap");
  if (it == metadata.values.end()) return std::nullopt;
  const fs::path file = metadata.source_of.at("LabelMap");
  if (!it->is_array()) {
    throw std::runtime_error(file.string() + ": LabelMap must be a list of region names, found " +
                             it->type_name());
  }
  LabelMapList out;
  out.file = file;
  for (const auto& entry : *it) {
    if (!entry.is_string()) {
      throw std::runtime_error(file.string() +
                               ": LabelMap must be a list of region names, found an entry " +
                               entry.dump());
    }
    out.names.push_back(entry.get<std::string>());
  }
  return out;
}

std::vector<std::string> names_in_volume_order(const std::vector<RegionRow>& rows, int64_t volumes,
                                               const fs::path& table,
                                               std::vector<std::string>& notes) {
  std::vector<std::string> names;
  const auto count = static_cast<int64_t>(rows.size());
  if (count == volumes + 1 && rows.front().index == 0) {
    for (size_t r = 1; r < rows.size(); ++r)
      names.push_back(rows[r].name);
    return names;
  }
  if (count == volumes) {
    for (const auto& row : rows)
      names.push_back(row.name);
    return names;
  }
  for (const auto& row : rows) {
    if (row.index != 0) names.push_back(row.name);
  }
  note_count_mismatch(names.size(), volumes, table, notes);
  if (static_cast<int64_t>(names.size()) > volumes) names.resize(static_cast<size_t>(volumes));
  return names;
}

std::vector<std::string> names_in_volume_order(const std::vector<std::string>& label_map,
                                               int64_t volumes, const fs::path& table,
                                               std::vector<std::string>& notes) {
  const auto count = static_cast<int64_t>(label_map.size());
  const bool background_first = !label_map.empty() && is_background_name(label_map.front());
  if (count == volumes && !(background_first && label_map.front().empty())) {
    // K names for K volumes; a first entry called "Background" is then a region.
    return label_map;
  }
  std::vector<std::string> names(label_map.begin() + (background_first ? 1 : 0), label_map.end());
  note_count_mismatch(names.size(), volumes, table, notes);
  if (static_cast<int64_t>(names.size()) > volumes) names.resize(static_cast<size_t>(volumes));
  return names;
}

std::string canonical_space(std::string_view space) {
  // Case-folded, then BIDS's legacy spelling mapped onto TemplateFlow's.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kAliases{{
      {"mni152nlin6asym", "MNI152NLin6Asym"},
  }};
  const std::string folded = lower(space);
  for (const auto& [alias, canonical] : kAliases) {
    if (folded == alias) return std::string(canonical);
  }
  return folded;
}

bool is_native_space(std::string_view space) {
  static constexpr std::array<std::string_view, 12> kNative{
      "t1w",   "t2w", "anat",     "func",       "bold", "boldref",
      "sbref", "dwi", "fsnative", "individual", "orig", "scanner"};
  const std::string folded = lower(space);
  return folded.empty() ||
         std::find(kNative.begin(), kNative.end(), std::string_view(folded)) != kNative.end();
}

SpaceCheck check_atlas_space(std::string_view atlas_name, std::string_view atlas_space,
                             std::string_view runs_space) {
  SpaceCheck check;
  const std::string atlas(atlas_name);
  const std::string runs = runs_space.empty()
                               ? std::string("the runs name no space- (raw or unnormalised data)")
                               : "the runs are in space-" + std::string(runs_space);
  if (atlas_space.empty()) {
    if (is_native_space(runs_space)) {
      check.level = SpaceCheck::Level::kNote;
      check.message = atlas + ": the atlas file names no template (no tpl- entity) and " + runs +
                      ", a subject's own anatomy: make sure the atlas is in that subject's space";
    }
    return check;
  }
  if (canonical_space(atlas_space) == canonical_space(runs_space)) return check;
  check.level = SpaceCheck::Level::kWarning;
  const bool atlas_native = is_native_space(atlas_space);
  const std::string where = atlas + ": the atlas is in " + (atlas_native ? "space-" : "tpl-") +
                            std::string(atlas_space) + " but ";
  if (atlas_native) {
    check.message = where + runs +
                    "; a subject's own anatomy and other data do not line up: give "
                    "an atlas in the runs' space";
  } else if (is_native_space(runs_space)) {
    check.message = where + runs +
                    ", a subject's own anatomy: template regions do not line up with it; use runs "
                    "normalised to space-" +
                    std::string(atlas_space) +
                    " (fMRIPrep --output-spaces) or an atlas warped into each subject";
  } else {
    check.message = where + runs + "; regions may be misplaced by a few mm";
  }
  return check;
}

}  // namespace neuro
