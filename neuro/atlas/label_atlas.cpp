#include "neuro/atlas/label_atlas.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "neuro/atlas/resample.h"
#include "neuro/image/nifti_reader.h"

namespace neuro {
namespace {

std::string source_of(const Volume& volume) {
  return volume.source().empty() ? std::string("label atlas (in memory)") : volume.source();
}

// Label images written through a float scl_slope come back a hair off the
// integer; anything further off is not a label image.
constexpr double kIntegerTolerance = 1e-3;

constexpr const char* kGiveALabelAtlas =
    "not a label atlas: give an integer label atlas (dseg) to --atlas";

std::string voxel_text(const Volume& volume, size_t v) {
  const auto dims = volume.dims();
  const auto i = static_cast<int64_t>(v) % dims[0];
  const auto j = static_cast<int64_t>(v) / dims[0] % dims[1];
  const auto k = static_cast<int64_t>(v) / (dims[0] * dims[1]);
  std::ostringstream text;
  text << "voxel (" << i << ", " << j << ", " << k << ")";
  return text.str();
}

int64_t count_distinct_finite(std::span<const float> data) {
  std::vector<float> values;
  values.reserve(data.size());
  for (const float value : data) {
    if (std::isfinite(value)) values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  return std::unique(values.begin(), values.end()) - values.begin();
}

std::vector<int> validate_and_collect_labels(Volume& volume) {
  if (volume.frames() != 1) {
    throw std::runtime_error(source_of(volume) + ": a label atlas must be 3-D, this one has " +
                             std::to_string(volume.frames()) +
                             " volumes (a 4-D atlas with one map per region is a probabilistic "
                             "atlas, a BIDS _probseg)");
  }
  std::set<int> present;
  auto data = volume.data();
  for (size_t v = 0; v < data.size(); ++v) {
    const double value = data[v];
    const double rounded = std::nearbyint(value);
    if (!std::isfinite(value) || std::abs(rounded) > 2147483647.0) {
      std::ostringstream message;
      message << source_of(volume) << ": a label atlas must hold finite integer values, "
              << voxel_text(volume, v) << " holds " << value;
      throw std::runtime_error(message.str());
    }
    if (std::abs(value - rounded) > kIntegerTolerance) {
      std::ostringstream message;
      message << source_of(volume) << ": this looks like an intensity image ("
              << count_distinct_finite(data) << " distinct values, non-integer values such as "
              << value << "), " << kGiveALabelAtlas << " (a label atlas must hold integer values; "
              << voxel_text(volume, v) << " holds " << value << ")";
      throw std::runtime_error(message.str());
    }
    data[v] = static_cast<float>(rounded);
    if (rounded != 0) present.insert(static_cast<int>(rounded));
  }
  return {present.begin(), present.end()};
}

std::vector<std::string> names_for(const std::vector<int>& labels, const RegionNames& names) {
  std::vector<std::string> out;
  out.reserve(labels.size());
  for (int label : labels) {
    const auto it = names.find(label);
    out.push_back(it != names.end() ? it->second : "label_" + std::to_string(label));
  }
  return out;
}

}  // namespace

LabelImageStats label_image_stats(const Volume& labels) {
  LabelImageStats stats;
  const auto dims = labels.dims();
  const auto frame = labels.frame(0);
  std::unordered_set<int64_t> distinct;
  int64_t same = 0;
  const std::array<int64_t, 3> stride{1, dims[0], dims[0] * dims[1]};
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        const int64_t v = i + stride[1] * j + stride[2] * k;
        const float value = frame[static_cast<size_t>(v)];
        if (value == 0.0f) continue;
        distinct.insert(static_cast<int64_t>(value));
        const std::array<bool, 3> has_next{i + 1 < dims[0], j + 1 < dims[1], k + 1 < dims[2]};
        for (size_t d = 0; d < 3; ++d) {
          if (!has_next[d]) continue;
          const float next = frame[static_cast<size_t>(v + stride[d])];
          if (next == 0.0f) continue;
          ++stats.neighbour_pairs;
          same += next == value;
        }
      }
    }
  }
  stats.distinct_labels = static_cast<int64_t>(distinct.size());
  if (stats.neighbour_pairs > 0) {
    stats.same_label_fraction =
        static_cast<double>(same) / static_cast<double>(stats.neighbour_pairs);
  }
  return stats;
}

void check_label_image(const Volume& labels) {
  const LabelImageStats stats = label_image_stats(labels);
  std::ostringstream message;
  message << source_of(labels) << ": this looks like an intensity image (" << stats.distinct_labels
          << " distinct values";
  if (stats.distinct_labels > kMaxPlausibleLabels) {
    message << ", more than any label atlas has), " << kGiveALabelAtlas;
    throw std::runtime_error(message.str());
  }
  if (stats.distinct_labels >= kLabelsToJudge && stats.neighbour_pairs >= kPairsToJudge &&
      stats.same_label_fraction < kMinSameLabelFraction) {
    message << "; adjacent voxels hold the same value in only "
            << static_cast<int>(std::lround(100 * stats.same_label_fraction))
            << "% of pairs, where label atlases have "
            << static_cast<int>(std::lround(100 * kMinSameLabelFraction)) << "% or more), "
            << kGiveALabelAtlas;
    throw std::runtime_error(message.str());
  }
}

LabelAtlas::LabelAtlas(Volume labels, const RegionNames& names) : volume_(std::move(labels)) {
  labels_ = validate_and_collect_labels(volume_);
  names_ = names_for(labels_, names);
}

LabelAtlas::LabelAtlas(Volume labels, std::vector<int> label_list, std::vector<std::string> names)
    : volume_(std::move(labels)), labels_(std::move(label_list)), names_(std::move(names)) {}

LabelAtlas LabelAtlas::load(const std::filesystem::path& atlas_file, const AtlasOptions& options) {
  Volume volume = read_volume(atlas_file);
  volume.set_source(atlas_file.string());
  LabelAtlas atlas(std::move(volume),
                   find_region_names(atlas_file, options.names_file, options.resources_dir));
  check_label_image(atlas.volume());
  return atlas;
}

const std::string& LabelAtlas::name_of(int label) const {
  const auto it = std::lower_bound(labels_.begin(), labels_.end(), label);
  if (it == labels_.end() || *it != label) {
    throw std::out_of_range(source_of(volume_) + ": no label " + std::to_string(label));
  }
  return names_[static_cast<size_t>(it - labels_.begin())];
}

int LabelAtlas::label_at_world(double x, double y, double z) const {
  const auto voxel = volume_.affine().to_voxel(x, y, z);
  std::array<int64_t, 3> index{};
  for (size_t d = 0; d < 3; ++d) {
    index[d] = static_cast<int64_t>(std::floor(voxel[d] + 0.5));
    if (index[d] < 0 || index[d] >= volume_.dims()[d]) return 0;
  }
  return label_at(index[0], index[1], index[2]);
}

std::vector<int64_t> LabelAtlas::voxel_counts() const {
  std::vector<int64_t> counts(labels_.size(), 0);
  for (const float value : volume_.data()) {
    if (value == 0.0f) continue;
    const auto it = std::lower_bound(labels_.begin(), labels_.end(), static_cast<int>(value));
    if (it != labels_.end() && *it == static_cast<int>(value)) {
      ++counts[static_cast<size_t>(it - labels_.begin())];
    }
  }
  return counts;
}

LabelAtlas LabelAtlas::resampled_to(const Grid& target) const {
  if (grid().same_as(target)) return *this;
  return LabelAtlas(resample(volume_, target, Interpolation::kNearest), labels_, names_);
}

}  // namespace neuro
