#pragma once
// Resampling of a volume onto another voxel grid, through ITK. Both grids are
// taken in full (voxel -> world affines with any rotation, flip or shear):
// each target voxel centre is carried to world space by the target affine and
// back into the source voxel space by the inverse of the source affine.
// Points that fall outside the source field of view get 0.

#include "neuro/image/volume.h"

namespace neuro {

enum class Interpolation {
  kNearest,  // labels and masks: values are copied, never blended
  kLinear,   // continuous maps (probabilities, statistics)
};

// Every frame of a 3-D or 4-D volume resampled onto `target`; TR, metadata and
// source are kept. Returns a copy when the grids already agree (Grid::same_as).
Volume resample(const Volume& volume, const Grid& target, Interpolation interpolation);

}  // namespace neuro
