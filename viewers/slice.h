#pragma once
// Slices of a Volume cut along world axes, laid out as a screen shows them
// whatever the voxel order of the file: an LAS and an RAS image of the same
// head give the same picture. Pure C++ (no VTK, no Qt).
//
// Screen layout (x to the right, y up, row 0 at the bottom):
//   axial     x = subject's right (neurological) or left (radiological), y = anterior
//   coronal   x = as axial,                                              y = superior
//   sagittal  x = anterior,                                              y = superior

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "neuro/image/volume.h"

namespace viewers {

enum class Plane { kAxial = 0, kCoronal = 1, kSagittal = 2 };
const char* plane_name(Plane plane);

// Neurological: the subject's left on the screen's left. Radiological: mirrored,
// as if facing the subject.
enum class Convention { kNeurological, kRadiological };

enum class Interpolation { kNearest, kLinear };

using WorldPoint = std::array<double, 3>;  // mm, RAS+

// Where the pixels of a slice sit in the world. Pixel (column c, row r) has its
// centre at origin + c * step_x + r * step_y; step_x and step_y each run along
// one world axis.
struct SliceLayout {
  Plane plane = Plane::kAxial;
  int width = 0;
  int height = 0;
  WorldPoint origin{0, 0, 0};
  WorldPoint step_x{1, 0, 0};
  WorldPoint step_y{0, 1, 0};

  // The world axis (0 = x, 1 = y, 2 = z) across the slice.
  int normal_axis() const;
  // Pixel size in mm along the screen's x and y.
  double pixel_width() const;
  double pixel_height() const;
  WorldPoint world_of(double column, double row) const;
  // Fractional (column, row) of a world point, projected onto the slice.
  std::array<double, 2> pixel_of(const WorldPoint& world) const;
};

// The slice of `plane` through `world` (only its coordinate along the plane's
// normal matters) that covers the voxel centres of `reference`, with the pixel
// size of its voxels along each world axis. Overlays use the underlay's layout
// so that the two line up pixel for pixel.
SliceLayout layout_slice(const neuro::Grid& reference, Plane plane, const WorldPoint& world,
                         Convention convention = Convention::kNeurological);

// The voxel size in mm along a world axis (0 = x, 1 = y, 2 = z): that of the
// voxel axis pointing most nearly along it.
double spacing_along(const neuro::Affine& affine, int world_axis);

// The world-axis extent of a grid's voxel centres: {min, max} per axis.
std::array<std::array<double, 2>, 3> world_bounds(const neuro::Grid& grid);
// The centre of that extent, where the views put the cursor of a new image.
WorldPoint world_centre(const neuro::Grid& grid);
// `world` pulled back into that extent, axis by axis.
WorldPoint clamp_to_bounds(const neuro::Grid& grid, const WorldPoint& world);

// Values of `volume` (time point `frame`) at every pixel centre of `layout`,
// row by row from the bottom; NaN where the pixel falls outside the image.
std::vector<float> extract_slice(const neuro::Volume& volume, const SliceLayout& layout,
                                 int64_t frame = 0,
                                 Interpolation interpolation = Interpolation::kNearest);

// The voxel nearest to a world point, nullopt outside the image.
std::optional<std::array<int64_t, 3>> nearest_voxel(const neuro::Grid& grid,
                                                    const WorldPoint& world);

// The value at a world point: nearest voxel or trilinear; nullopt outside.
std::optional<float> sample_at(const neuro::Volume& volume, const WorldPoint& world,
                               int64_t frame = 0,
                               Interpolation interpolation = Interpolation::kNearest);

}  // namespace viewers
