#pragma once
// A 3-D or 4-D image in float32 with its voxel grid, its TR and the NIfTI
// metadata worth carrying from input to output. Voxels are stored as NIfTI
// stores them: x fastest, then y, z, and time.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "neuro/image/affine.h"

namespace neuro {

// NIfTI's xform codes: what the world space of an affine is.
enum class XformCode : int16_t {
  kUnknown = 0,
  kScannerAnat = 1,
  kAlignedAnat = 2,
  kTalairach = 3,
  kMni152 = 4,
  kTemplateOther = 5,
};
const char* xform_code_name(XformCode code);

// The sampling of space: voxel counts along i, j, k and the voxel -> world map.
struct Grid {
  std::array<int64_t, 3> dims{0, 0, 0};
  Affine affine;

  int64_t voxel_count() const { return dims[0] * dims[1] * dims[2]; }
  int64_t index(int64_t i, int64_t j, int64_t k) const { return i + dims[0] * (j + dims[1] * k); }
  // Same dims and affines equal within `tolerance_mm` (entry by entry).
  bool same_as(const Grid& other, double tolerance_mm = 1e-3) const;
};

// Header fields a NIfTI writer needs to reproduce what the input said.
struct ImageMeta {
  XformCode sform_code = XformCode::kUnknown;
  XformCode qform_code = XformCode::kUnknown;
  int intent_code = 0;
  std::array<double, 3> intent_params{0, 0, 0};
  std::string intent_name;  // at most 15 characters in NIfTI-1
  double cal_min = 0;
  double cal_max = 0;
  std::string descrip;  // at most 79 characters in NIfTI-1
};

class Volume {
 public:
  Volume() = default;
  // A zero-filled volume of `frames` time points on `grid`.
  Volume(Grid grid, int64_t frames, double tr_seconds = 0.0);

  const Grid& grid() const { return grid_; }
  const std::array<int64_t, 3>& dims() const { return grid_.dims; }
  const Affine& affine() const { return grid_.affine; }
  int64_t frames() const { return frames_; }
  int64_t voxels_per_frame() const { return grid_.voxel_count(); }
  double tr_seconds() const { return tr_seconds_; }
  void set_tr_seconds(double tr) { tr_seconds_ = tr; }
  ImageMeta& meta() { return meta_; }
  const ImageMeta& meta() const { return meta_; }
  // The file it was read from, for error messages ("" when made in memory).
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  // All voxels, [T][Z][Y][X] with x fastest.
  std::span<float> data() { return voxels_; }
  std::span<const float> data() const { return voxels_; }
  // One time point, [Z][Y][X].
  std::span<float> frame(int64_t t);
  std::span<const float> frame(int64_t t) const;

  float at(int64_t i, int64_t j, int64_t k, int64_t t = 0) const {
    return voxels_[static_cast<size_t>(grid_.index(i, j, k) + voxels_per_frame() * t)];
  }
  float& at(int64_t i, int64_t j, int64_t k, int64_t t = 0) {
    return voxels_[static_cast<size_t>(grid_.index(i, j, k) + voxels_per_frame() * t)];
  }

 private:
  Grid grid_;
  int64_t frames_ = 0;
  double tr_seconds_ = 0;
  ImageMeta meta_;
  std::string source_;
  std::vector<float> voxels_;
};

}  // namespace neuro
