#pragma once
// Where the tiles of a lightbox (a mosaic of axial slices) sit and which depth
// each one shows. Pure C++: the VTK scene places its images from these
// numbers, and a click is turned into a world point with the same ones.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "neuro/image/volume.h"
#include "viewers/view_layout.h"

namespace viewers {

// How many slices and how far apart. The slices are centred on the middle of
// the z range; a step of 0 (neither in mm nor in slices) spreads them evenly
// over it.
struct LightboxOptions {
  int rows = 3;
  int columns = 5;
  double step_mm = 0;   // used when > 0
  int step_slices = 0;  // used when > 0 and step_mm is not; in underlay voxels
  // The z range (mm) to span; nullopt: the underlay's extent.
  std::optional<std::array<double, 2>> z_range;
};

// The z (mm) of every tile, in reading order (top-left first, lowest z
// first), each on an underlay voxel centre along z. Throws
// std::invalid_argument for rows or columns below 1.
std::vector<double> lightbox_depths(const neuro::Grid& underlay, const LightboxOptions& options);

// The z extent (mm, {min, max}) of the voxel centres holding a finite,
// non-zero value in time point `frame`: where a brain image has its brain.
// nullopt when every value is zero.
std::optional<std::array<double, 2>> nonzero_z_range(const neuro::Volume& volume,
                                                     int64_t frame = 0);

// One tile: an axial slice at `z` in its own viewport. All tiles share one
// scale, so a structure has the same size in every tile.
struct LightboxTile {
  double z = 0;
  ViewFrame frame;
};

// The tiles in a width x height window (device pixels, origin bottom-left),
// row 0 at the top; `margin` is the fraction left free around each slice,
// `reserved_right` pixels at the right are left to a colour bar. Depths
// beyond rows x columns are dropped.
std::vector<LightboxTile> lightbox_tiles(int width, int height, const neuro::Grid& underlay,
                                         const std::vector<double>& depths, int rows, int columns,
                                         Convention convention = Convention::kNeurological,
                                         double margin = 0.02, int reserved_right = 0);

// The index of the tile holding a display position, or -1.
int tile_at(const std::vector<LightboxTile>& tiles, double x, double y);

// "z = 18.0 mm", the caption of a tile.
std::string depth_label(double z);

}  // namespace viewers
