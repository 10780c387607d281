#include "neuro/atlas/parcel_atlas.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "neuro/image/nifti_reader.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;

// Consecutive volumes of a BOLD run correlate at 0.95 or more; distinct
// regions of an atlas do not come near (disjoint maps correlate below 0).
constexpr double kTimeSeriesCorrelation = 0.9;
constexpr int64_t kPairsChecked = 9;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_integer(const Volume& volume) {
  return std::all_of(volume.data().begin(), volume.data().end(), [](float v) {
    return std::isfinite(v) && std::abs(v - std::nearbyint(v)) <= 1e-3;
  });
}

// Pearson correlation of two volumes over the voxels where either is nonzero.
double correlation(std::span<const float> a, std::span<const float> b) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  int64_t n = 0;
  for (size_t v = 0; v < a.size(); ++v) {
    if (a[v] == 0.0f && b[v] == 0.0f) continue;
    const double x = a[v];
    const double y = b[v];
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
    ++n;
  }
  if (n < 2) return 0.0;
  const double cov = sab - sa * sb / static_cast<double>(n);
  const double va = saa - sa * sa / static_cast<double>(n);
  const double vb = sbb - sb * sb / static_cast<double>(n);
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
}

void refuse_time_series(const Volume& maps) {
  if (maps.frames() < 3) return;
  const int64_t pairs = std::min(kPairsChecked, maps.frames() - 1);
  std::vector<double> r;
  for (int64_t p = 0; p < pairs; ++p) {
    // Pairs spread over the run, so that a few similar neighbours cannot decide.
    const int64_t t = p * (maps.frames() - 1) / pairs;
    r.push_back(correlation(maps.frame(t), maps.frame(t + 1)));
  }
  std::sort(r.begin(), r.end());
  const double median = r[r.size() / 2];
  if (median < kTimeSeriesCorrelation) return;
  std::ostringstream message;
  message.precision(3);
  message << maps.source() << ": this looks like a time series (" << maps.frames()
          << " volumes, consecutive volumes correlate at " << median
          << "), not an atlas: give a label atlas (dseg) or a probabilistic atlas (probseg) "
             "to --atlas";
  throw std::runtime_error(message.str());
}

enum class NamesKind { kTable, kLabelMap, kOther };
struct NamesSource {
  fs::path file;
  NamesKind kind = NamesKind::kOther;
  std::vector<std::string> label_map;  // for kLabelMap
  bool other_suffix = false;           // a dseg table taken for maps
};

// A names file found by name: a .tsv is a table, anything else is read by
// read_region_names.
NamesSource file_source(const fs::path& file) {
  NamesSource source;
  source.file = file;
  source.kind = lower(file.extension().string()) == ".tsv" ? NamesKind::kTable : NamesKind::kOther;
  return source;
}

std::optional<NamesSource> find_names(const fs::path& image, bool maps,
                                      const ParcelAtlasOptions& options) {
  if (options.names_file) return file_source(*options.names_file);
  if (auto beside = find_names_beside(image)) return file_source(*beside);
  const AtlasFileName name = parse_atlas_file_name(image);
  if (name.suffix == "dseg" || name.suffix == "probseg") {
    if (auto table = find_atlas_table(image, name.suffix)) return file_source(*table);
    if (auto label_map = find_label_map(image)) {
      NamesSource source;
      source.file = label_map->file;
      source.kind = NamesKind::kLabelMap;
      source.label_map = std::move(label_map->names);
      return source;
    }
    if (maps && name.suffix != "dseg") {
      if (auto table = find_atlas_table(image, "dseg")) {
        NamesSource source = file_source(*table);
        source.other_suffix = true;
        return source;
      }
    }
  }
  if (auto shipped = find_shipped_names(image, options.resources_dir)) {
    return file_source(*shipped);
  }
  return std::nullopt;
}

// A LabelMap for a label image: entry v names value v when the list starts
// with the background, else entry v - 1 does.
RegionNames label_map_by_value(const std::vector<std::string>& label_map) {
  RegionNames names;
  const bool background_first =
      !label_map.empty() && (label_map.front().empty() || lower(label_map.front()) == "background");
  for (size_t e = background_first ? 1 : 0; e < label_map.size(); ++e) {
    const int value = static_cast<int>(background_first ? e : e + 1);
    if (!label_map[e].empty()) names.emplace(value, label_map[e]);
  }
  return names;
}

void note_label_mismatch(const LabelAtlas& atlas, const RegionNames& names, const fs::path& file,
                         std::vector<std::string>& notes) {
  std::vector<int> unnamed;
  for (const int label : atlas.labels()) {
    if (!names.contains(label)) unnamed.push_back(label);
  }
  if (!unnamed.empty()) {
    notes.push_back(file.string() + ": no name for label" + (unnamed.size() > 1 ? "s " : " ") +
                    list_numbers(unnamed) + " of " + atlas.source() + ": called label_<value>");
  }
  std::vector<int> absent;
  std::string first_names;
  for (const auto& [index, name] : names) {
    if (std::binary_search(atlas.labels().begin(), atlas.labels().end(), index)) continue;
    if (absent.size() < 3) first_names += (absent.empty() ? "" : ", ") + ("\"" + name + "\"");
    absent.push_back(index);
  }
  if (!absent.empty()) {
    notes.push_back(file.string() + ": " + std::to_string(absent.size()) + " region" +
                    (absent.size() > 1 ? "s" : "") + " not in the image (index " +
                    list_numbers(absent) + ": " + first_names + (absent.size() > 3 ? ", ..." : "") +
                    ") give no parcel");
  }
}

ParcelAtlas load_labels(Volume volume, const fs::path& file, const ParcelAtlasOptions& options,
                        std::vector<std::string> notes) {
  const auto source = find_names(file, false, options);
  RegionNames names;
  if (source) {
    names = source->kind == NamesKind::kLabelMap ? label_map_by_value(source->label_map)
                                                 : read_region_names(source->file);
  }
  LabelAtlas atlas(std::move(volume), names);
  check_label_image(atlas.volume());
  if (source) {
    note_label_mismatch(atlas, names, source->file, notes);
  } else {
    notes.push_back(file.string() +
                    ": no region names found (no .tsv, .xml or .txt beside it, no BIDS table "
                    "or LabelMap): regions are called label_<value>");
  }
  ParcelAtlas out(std::move(atlas), atlas_template_space(file), std::move(notes));
  if (source) out.set_names_file(source->file);
  return out;
}

ParcelAtlas load_maps(Volume volume, const fs::path& file, const ParcelAtlasOptions& options,
                      std::vector<std::string> notes) {
  refuse_time_series(volume);
  const auto source = find_names(file, true, options);
  RegionNames names;
  if (source && source->kind == NamesKind::kOther) {
    names = read_region_names(source->file);
  } else if (source) {
    const std::vector<std::string> ordered =
        source->kind == NamesKind::kTable
            ? names_in_volume_order(read_tsv_rows(source->file), volume.frames(), source->file,
                                    notes)
            : names_in_volume_order(source->label_map, volume.frames(), source->file, notes);
    for (size_t k = 0; k < ordered.size(); ++k) {
      if (!ordered[k].empty()) names.emplace(static_cast<int>(k + 1), ordered[k]);
    }
    if (source->other_suffix) {
      notes.push_back(file.string() + ": no _probseg table or LabelMap; the volumes are named " +
                      "from the label image's table " + source->file.string() +
                      ", in its row order");
    }
  } else {
    notes.push_back(file.string() +
                    ": no region names found (no .tsv, .xml or .txt beside it, no BIDS table "
                    "or LabelMap): regions are called map_<volume>");
  }
  ParcelAtlas out(ProbabilisticAtlas(std::move(volume), names), atlas_template_space(file),
                  std::move(notes));
  if (source) out.set_names_file(source->file);
  return out;
}

}  // namespace

ParcelAtlas::ParcelAtlas(LabelAtlas labels, std::string template_space,
                         std::vector<std::string> notes)
    : atlas_(std::move(labels)),
      template_space_(std::move(template_space)),
      notes_(std::move(notes)) {}

ParcelAtlas::ParcelAtlas(ProbabilisticAtlas maps, std::string template_space,
                         std::vector<std::string> notes)
    : atlas_(std::move(maps)),
      template_space_(std::move(template_space)),
      notes_(std::move(notes)) {}

const LabelAtlas& ParcelAtlas::labels() const {
  if (const auto* atlas = std::get_if<LabelAtlas>(&atlas_)) return *atlas;
  throw std::logic_error(source() + ": a probabilistic atlas, not a label atlas");
}

const ProbabilisticAtlas& ParcelAtlas::maps() const {
  if (const auto* atlas = std::get_if<ProbabilisticAtlas>(&atlas_)) return *atlas;
  throw std::logic_error(source() + ": a label atlas, not a probabilistic atlas");
}

const Grid& ParcelAtlas::grid() const {
  return std::visit([](const auto& atlas) -> const Grid& { return atlas.grid(); }, atlas_);
}

const std::string& ParcelAtlas::source() const {
  return std::visit([](const auto& atlas) -> const std::string& { return atlas.source(); }, atlas_);
}

const std::vector<std::string>& ParcelAtlas::names() const {
  return std::visit(
      [](const auto& atlas) -> const std::vector<std::string>& { return atlas.names(); }, atlas_);
}

SpaceCheck ParcelAtlas::check_space(std::string_view runs_space) const {
  return check_atlas_space(fs::path(source()).filename().string(), template_space_, runs_space);
}

ParcelAtlas ParcelAtlas::resampled_to(const Grid& target) const {
  return std::visit(
      [&](const auto& atlas) {
        ParcelAtlas out(atlas.resampled_to(target), template_space_, notes_);
        out.names_file_ = names_file_;
        return out;
      },
      atlas_);
}

ParcelAtlas load_parcel_atlas(const fs::path& atlas_file, const ParcelAtlasOptions& options) {
  Volume volume = read_volume(atlas_file);
  volume.set_source(atlas_file.string());
  const std::string suffix = parse_atlas_file_name(atlas_file).suffix;
  std::vector<std::string> notes;
  if (volume.frames() > 1) {
    if (options.kind == ParcelAtlasKind::kLabels) {
      LabelAtlas refused(std::move(volume));  // throws: a label atlas must be 3-D
    }
    if (suffix == "dseg") {
      notes.push_back(atlas_file.string() + ": named _dseg but holds " +
                      std::to_string(volume.frames()) +
                      " volumes: read as a probabilistic atlas, one region per volume");
    }
    return load_maps(std::move(volume), atlas_file, options, std::move(notes));
  }
  const bool maps =
      options.kind == ParcelAtlasKind::kMaps ||
      (options.kind == ParcelAtlasKind::kAuto && suffix == "probseg" && !all_integer(volume));
  if (maps) return load_maps(std::move(volume), atlas_file, options, std::move(notes));
  if (suffix == "probseg") {
    notes.push_back(atlas_file.string() +
                    ": named _probseg but holds integer labels in one volume: read as a label "
                    "atlas");
  }
  return load_labels(std::move(volume), atlas_file, options, std::move(notes));
}

ParcelMasker::ParcelMasker(const ParcelAtlas& atlas, const BrainMask& mask)
    : masker_(atlas.is_labels() ? std::variant<LabelsMasker, MapsMasker>(
                                      std::in_place_type<LabelsMasker>, atlas.labels(), mask)
                                : std::variant<LabelsMasker, MapsMasker>(
                                      std::in_place_type<MapsMasker>, atlas.maps(), mask)) {}

const Grid& ParcelMasker::grid() const {
  return std::visit([](const auto& masker) -> const Grid& { return masker.grid(); }, masker_);
}

int64_t ParcelMasker::parcel_count() const {
  return std::visit([](const auto& masker) { return masker.parcel_count(); }, masker_);
}

const std::vector<std::string>& ParcelMasker::names() const {
  return std::visit(
      [](const auto& masker) -> const std::vector<std::string>& { return masker.names(); },
      masker_);
}

std::string ParcelMasker::dropped_report() const {
  return std::visit([](const auto& masker) { return masker.dropped_report(); }, masker_);
}

ParcelSeries ParcelMasker::extract(const Volume& bold) const {
  return std::visit([&](const auto& masker) { return masker.extract(bold); }, masker_);
}

ParcelSeries ParcelMasker::extract(const FrameSeries& bold) const {
  return std::visit([&](const auto& masker) { return masker.extract(bold); }, masker_);
}

}  // namespace neuro
