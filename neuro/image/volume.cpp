#include "neuro/image/volume.h"

#include <stdexcept>
#include <string>

namespace neuro {

const char* xform_code_name(XformCode code) {
  switch (code) {
    case XformCode::kUnknown:
      return "unknown";
    case XformCode::kScannerAnat:
      return "scanner";
    case XformCode::kAlignedAnat:
      return "aligned";
    case XformCode::kTalairach:
      return "talairach";
    case XformCode::kMni152:
      return "mni";
    case XformCode::kTemplateOther:
      return "template";
  }
  return "unknown";
}

bool Grid::same_as(const Grid& other, double tolerance_mm) const {
  return dims == other.dims && affine.max_abs_difference(other.affine) <= tolerance_mm;
}

Volume::Volume(Grid grid, int64_t frames, double tr_seconds)
    : grid_(grid), frames_(frames), tr_seconds_(tr_seconds) {
  for (auto d : grid_.dims) {
    if (d <= 0) throw std::invalid_argument("volume: every spatial dimension must be positive");
  }
  if (frames <= 0) throw std::invalid_argument("volume: the number of frames must be positive");
  voxels_.assign(static_cast<size_t>(grid_.voxel_count() * frames), 0.0f);
}

std::span<float> Volume::frame(int64_t t) {
  if (t < 0 || t >= frames_) throw std::out_of_range("volume: frame " + std::to_string(t));
  return std::span<float>(voxels_).subspan(static_cast<size_t>(t * voxels_per_frame()),
                                           static_cast<size_t>(voxels_per_frame()));
}

std::span<const float> Volume::frame(int64_t t) const {
  if (t < 0 || t >= frames_) throw std::out_of_range("volume: frame " + std::to_string(t));
  return std::span<const float>(voxels_).subspan(static_cast<size_t>(t * voxels_per_frame()),
                                                 static_cast<size_t>(voxels_per_frame()));
}

}  // namespace neuro
