#include "neuro/atlas/probabilistic_atlas.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "neuro/atlas/resample.h"
#include "neuro/image/nifti_reader.h"

namespace neuro {
namespace {

std::string source_of(const Volume& volume) {
  return volume.source().empty() ? std::string("probabilistic atlas (in memory)") : volume.source();
}

void check_finite(const Volume& maps) {
  const auto dims = maps.dims();
  for (int64_t k = 0; k < maps.frames(); ++k) {
    const auto map = maps.frame(k);
    for (size_t v = 0; v < map.size(); ++v) {
      if (std::isfinite(map[v])) continue;
      const auto i = static_cast<int64_t>(v) % dims[0];
      const auto j = static_cast<int64_t>(v) / dims[0] % dims[1];
      const auto kk = static_cast<int64_t>(v) / (dims[0] * dims[1]);
      std::ostringstream message;
      message << source_of(maps) << ": map " << k << " holds " << map[v] << " at voxel (" << i
              << ", " << j << ", " << kk << "); a probabilistic atlas must be finite everywhere";
      throw std::runtime_error(message.str());
    }
  }
}

}  // namespace

ProbabilisticAtlas::ProbabilisticAtlas(Volume maps, const RegionNames& names)
    : maps_(std::move(maps)) {
  if (maps_.frames() < 1) {
    throw std::runtime_error(source_of(maps_) + ": a probabilistic atlas needs at least one map");
  }
  check_finite(maps_);
  names_.reserve(static_cast<size_t>(maps_.frames()));
  for (int64_t k = 0; k < maps_.frames(); ++k) {
    const auto it = names.find(static_cast<int>(k + 1));
    names_.push_back(it != names.end() ? it->second : "map_" + std::to_string(k));
  }
}

ProbabilisticAtlas::ProbabilisticAtlas(Volume maps, std::vector<std::string> names)
    : maps_(std::move(maps)), names_(std::move(names)) {}

ProbabilisticAtlas ProbabilisticAtlas::load(const std::filesystem::path& atlas_file,
                                            const AtlasOptions& options) {
  Volume maps = read_volume(atlas_file);
  maps.set_source(atlas_file.string());
  return ProbabilisticAtlas(
      std::move(maps), find_region_names(atlas_file, options.names_file, options.resources_dir));
}

ProbabilisticAtlas ProbabilisticAtlas::resampled_to(const Grid& target) const {
  if (grid().same_as(target)) return *this;
  return ProbabilisticAtlas(resample(maps_, target, Interpolation::kLinear), names_);
}

}  // namespace neuro
