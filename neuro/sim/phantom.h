#pragma once
// A synthetic head for when no template is installed: an ellipsoid brain the
// size of an adult's in MNI-like coordinates (mm, RAS), with white matter
// inside a grey-matter band, two ventricles of CSF, and a dozen spherical
// regions in the grey band named after the cortex they stand in for.

#include <array>
#include <string>
#include <vector>

#include "neuro/atlas/region_names.h"
#include "neuro/image/volume.h"

namespace neuro {

struct PhantomRegion {
  int label = 0;
  std::string name;                   // "motor_left", "visual_right", ...
  std::array<double, 3> centre_mm{};  // world coordinates
  double radius_mm = 0;
};

// The regions, ascending by label (1, 2, ...).
const std::vector<PhantomRegion>& phantom_regions();

// An axis-aligned RAS grid that covers the brain with a margin of two voxels,
// voxel centres on multiples of the voxel size so that (0, 0, 0) is a centre.
// Throws std::invalid_argument for a voxel size that is not a positive finite
// number.
Grid phantom_grid(double voxel_size_mm);

// Contrast values of the phantom's T1-like anatomy (0 outside the brain).
inline constexpr float kPhantomCsf = 0.15f;
inline constexpr float kPhantomGrey = 0.55f;
inline constexpr float kPhantomWhite = 0.9f;

struct Phantom {
  Volume anatomy;     // T1-like contrast: white brightest, CSF darkest, 0 outside
  Volume labels;      // region labels in the grey band, 0 elsewhere
  RegionNames names;  // label -> name
};

// The phantom sampled at the voxel centres of `grid`.
Phantom make_phantom(const Grid& grid);

}  // namespace neuro
