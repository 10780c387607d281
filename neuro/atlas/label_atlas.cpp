#include "neuro/atlas/label_atlas.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>
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

std::vector<int> validate_and_collect_labels(Volume& volume) {
  if (volume.frames() != 1) {
    throw std::runtime_error(source_of(volume) + ": a label atlas must be 3-D, this one has " +
                             std::to_string(volume.frames()) + " volumes");
  }
  std::set<int> present;
  const auto dims = volume.dims();
  auto data = volume.data();
  for (size_t v = 0; v < data.size(); ++v) {
    const double value = data[v];
    const double rounded = std::nearbyint(value);
    if (!std::isfinite(value) || std::abs(value - rounded) > kIntegerTolerance ||
        std::abs(rounded) > 2147483647.0) {
      const auto i = static_cast<int64_t>(v) % dims[0];
      const auto j = static_cast<int64_t>(v) / dims[0] % dims[1];
      const auto k = static_cast<int64_t>(v) / (dims[0] * dims[1]);
      std::ostringstream message;
      message << source_of(volume) << ": a label atlas must hold integer values, voxel (" << i
              << ", " << j << ", " << k << ") holds " << value;
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

LabelAtlas::LabelAtlas(Volume labels, const RegionNames& names) : volume_(std::move(labels)) {
  labels_ = validate_and_collect_labels(volume_);
  names_ = names_for(labels_, names);
}

LabelAtlas::LabelAtlas(Volume labels, std::vector<int> label_list, std::vector<std::string> names)
    : volume_(std::move(labels)), labels_(std::move(label_list)), names_(std::move(names)) {}

LabelAtlas LabelAtlas::load(const std::filesystem::path& atlas_file, const AtlasOptions& options) {
  Volume volume = read_volume(atlas_file);
  volume.set_source(atlas_file.string());
  return LabelAtlas(std::move(volume),
                    find_region_names(atlas_file, options.names_file, options.resources_dir));
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
