#pragma once
// Which voxels of the data grid are brain: a mask given by the user (any grid,
// resampled by nearest neighbour, nonzero = brain) or one computed from the
// BOLD series itself as nilearn's compute_epi_mask does.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "neuro/image/volume.h"

namespace neuro {

class BrainMask {
 public:
  // `inside` holds one byte per voxel of `grid`, [Z][Y][X], nonzero = brain.
  BrainMask(Grid grid, std::vector<uint8_t> inside, std::string source = {});

  // Every voxel of `grid`: what extraction uses when no mask is wanted.
  static BrainMask everywhere(const Grid& grid);
  // A 3-D mask volume on any grid, brought onto `data_grid` by nearest
  // neighbour (skipped when the grids agree). Nonzero finite values are brain.
  // Throws when the mask is 4-D or has no brain voxel on the data grid.
  static BrainMask from_volume(const Volume& mask, const Grid& data_grid);
  static BrainMask load(const std::filesystem::path& mask_file, const Grid& data_grid);

  const Grid& grid() const { return grid_; }
  const std::string& source() const { return source_; }
  bool contains(int64_t voxel) const { return inside_[static_cast<size_t>(voxel)] != 0; }
  std::span<const uint8_t> voxels() const { return inside_; }  // [Z][Y][X]
  int64_t count() const;
  // 1 inside, 0 outside, as a volume to write or view.
  Volume to_volume() const;

 private:
  Grid grid_;
  std::vector<uint8_t> inside_;
  std::string source_;
};

// The parameters of nilearn.masking.compute_epi_mask, with its defaults.
struct EpiMaskOptions {
  // The threshold is the widest gap between consecutive sorted mean values
  // between these fractions of the sorted values.
  double lower_cutoff = 0.2;
  double upper_cutoff = 0.85;
  bool connected = true;       // keep the largest 6-connected component only
  int opening = 2;             // erosions before, and closing after, the component step; 0 = none
  bool exclude_zeros = false;  // leave zero voxels out of the threshold search
};

// Mean over time (lightly smoothed when opening > 0, non-finite values as 0),
// thresholded at the least dense point of its histogram, then cleaned up.
// Throws when the result is empty.
BrainMask compute_epi_mask(const Volume& bold, const EpiMaskOptions& options = {});

}  // namespace neuro
