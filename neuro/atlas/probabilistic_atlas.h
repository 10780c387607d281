#pragma once
// A probabilistic (soft) atlas: one continuous map per region, stacked as the
// volumes of a 4-D image, and a name per map.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/region_names.h"
#include "neuro/image/volume.h"

namespace neuro {

class ProbabilisticAtlas {
 public:
  // `maps` holds one region per volume (a 3-D image is a single map) and only
  // finite values. Map k takes the name of region k + 1 in `names` (see
  // region_names.h), or "map_<k>" when there is none.
  explicit ProbabilisticAtlas(Volume maps, const RegionNames& names = {});

  // Reads the image with read_volume and its names as `options` says.
  static ProbabilisticAtlas load(const std::filesystem::path& atlas_file,
                                 const AtlasOptions& options = {});

  const Volume& maps() const { return maps_; }  // [K][Z][Y][X]
  const Grid& grid() const { return maps_.grid(); }
  const std::string& source() const { return maps_.source(); }
  int64_t map_count() const { return maps_.frames(); }
  const std::vector<std::string>& names() const { return names_; }  // [K]
  std::span<const float> map(int64_t k) const { return maps_.frame(k); }

  // The same maps on `target`, by linear interpolation. A copy when the grids
  // already agree.
  ProbabilisticAtlas resampled_to(const Grid& target) const;

 private:
  ProbabilisticAtlas(Volume maps, std::vector<std::string> names);

  Volume maps_;
  std::vector<std::string> names_;
};

}  // namespace neuro
