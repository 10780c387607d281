#include "neuro/atlas/inverse_map.h"

#include <stdexcept>
#include <string>

namespace neuro {
namespace {

void check_length(std::span<const float> values, int64_t parcels, const std::string& atlas) {
  if (static_cast<int64_t>(values.size()) == parcels) return;
  throw std::invalid_argument(atlas + ": " + std::to_string(values.size()) +
                              " parcel values given for " + std::to_string(parcels) + " parcels");
}

}  // namespace

Volume inverse_map(const LabelsMasker& masker, std::span<const float> values) {
  check_length(values, masker.parcel_count(), masker.atlas_source());
  Volume volume(masker.grid(), 1);
  auto data = volume.data();
  const auto voxels = masker.voxels();
  const auto parcel_of = masker.parcel_of_voxel();
  for (size_t n = 0; n < voxels.size(); ++n) {
    data[static_cast<size_t>(voxels[n])] = values[static_cast<size_t>(parcel_of[n])];
  }
  return volume;
}

Volume inverse_map(const MapsMasker& masker, std::span<const float> values) {
  const int64_t parcels = masker.parcel_count();
  check_length(values, parcels, masker.atlas_source());
  Volume volume(masker.grid(), 1);
  auto data = volume.data();
  const auto voxels = masker.voxels();
  const auto weights = masker.weights();  // [N, P]
  for (size_t n = 0; n < voxels.size(); ++n) {
    double sum = 0;
    for (int64_t p = 0; p < parcels; ++p) {
      sum += weights[n * static_cast<size_t>(parcels) + static_cast<size_t>(p)] *
             static_cast<double>(values[static_cast<size_t>(p)]);
    }
    data[static_cast<size_t>(voxels[n])] = static_cast<float>(sum);
  }
  return volume;
}

}  // namespace neuro
