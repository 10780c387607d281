#include "viewers/lightbox_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace viewers {

std::vector<double> lightbox_depths(const neuro::Grid& underlay, const LightboxOptions& options) {
  if (options.rows < 1 || options.columns < 1) {
    throw std::invalid_argument("lightbox: rows and columns must be at least 1, got " +
                                std::to_string(options.rows) + " x " +
                                std::to_string(options.columns));
  }
  if (underlay.voxel_count() <= 0) throw std::invalid_argument("lightbox: the image has no voxels");
  const auto bounds = world_bounds(underlay)[2];
  const double spacing = spacing_along(underlay.affine, 2);
  double lo = bounds[0], hi = bounds[1];
  if (options.z_range) {
    lo = std::max(lo, std::min((*options.z_range)[0], (*options.z_range)[1]));
    hi = std::min(hi, std::max((*options.z_range)[0], (*options.z_range)[1]));
    if (lo > hi) lo = hi = std::clamp((lo + hi) / 2, bounds[0], bounds[1]);
  }
  const int count = options.rows * options.columns;
  double step = 0;
  if (options.step_mm > 0) {
    step = options.step_mm;
  } else if (options.step_slices > 0) {
    step = options.step_slices * spacing;
  } else if (count > 1) {
    // Whole voxels apart, so every tile shows a slice of the image as stored.
    step = std::max(1.0, std::floor((hi - lo) / (count - 1) / spacing + 1e-9)) * spacing;
  }
  const double middle = (lo + hi) / 2;
  const double first = middle - step * (count - 1) / 2.0;
  // Snapped to the voxel centres of the underlay along z.
  const auto snap = [&](double z) {
    return bounds[0] + std::round((z - bounds[0]) / spacing) * spacing;
  };
  std::vector<double> depths;
  depths.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i)
    depths.push_back(snap(first + i * step));
  return depths;
}

std::optional<std::array<double, 2>> nonzero_z_range(const neuro::Volume& volume, int64_t frame) {
  const auto values = volume.frame(std::clamp<int64_t>(frame, 0, volume.frames() - 1));
  const auto& dims = volume.dims();
  std::optional<std::array<double, 2>> range;
  const neuro::Affine& a = volume.affine();
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        const float v = values[static_cast<size_t>(volume.grid().index(i, j, k))];
        if (!std::isfinite(v) || v == 0.0f) continue;
        const double z = a(2, 0) * double(i) + a(2, 1) * double(j) + a(2, 2) * double(k) + a(2, 3);
        if (!range) {
          range = std::array<double, 2>{z, z};
        } else {
          (*range)[0] = std::min((*range)[0], z);
          (*range)[1] = std::max((*range)[1], z);
        }
      }
    }
  }
  return range;
}

std::vector<LightboxTile> lightbox_tiles(int width, int height, const neuro::Grid& underlay,
                                         const std::vector<double>& depths, int rows, int columns,
                                         Convention convention, double margin, int reserved_right) {
  if (rows < 1 || columns < 1) {
    throw std::invalid_argument("lightbox: rows and columns must be at least 1");
  }
  const int w = std::max(width - std::max(reserved_right, 0), columns);
  const int h = std::max(height, rows);
  const int tile_w = w / columns;
  const int tile_h = h / rows;
  const size_t count = std::min(depths.size(), static_cast<size_t>(rows * columns));
  std::vector<LightboxTile> tiles(count);
  double mm_per_pixel = 0;
  for (size_t i = 0; i < count; ++i) {
    const int row = static_cast<int>(i) / columns;
    const int column = static_cast<int>(i) % columns;
    LightboxTile& tile = tiles[i];
    tile.z = depths[i];
    ViewFrame& f = tile.frame;
    f.slice = layout_slice(underlay, Plane::kAxial, {0, 0, depths[i]}, convention);
    // Row 0 is the top one; display y counts from the bottom.
    f.rect = {column * tile_w, h - (row + 1) * tile_h, tile_w, tile_h};
    f.center_u = (f.slice.width - 1) * f.slice.pixel_width() / 2.0;
    f.center_v = (f.slice.height - 1) * f.slice.pixel_height() / 2.0;
    const double extent_u = f.slice.width * f.slice.pixel_width();
    const double extent_v = f.slice.height * f.slice.pixel_height();
    mm_per_pixel = std::max({mm_per_pixel, extent_u / tile_w, extent_v / tile_h});
  }
  if (!(mm_per_pixel > 0)) mm_per_pixel = 1;
  for (LightboxTile& tile : tiles)
    tile.frame.mm_per_pixel = mm_per_pixel * (1 + 2 * margin);
  return tiles;
}

int tile_at(const std::vector<LightboxTile>& tiles, double x, double y) {
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (tiles[i].frame.rect.contains(x, y)) return static_cast<int>(i);
  }
  return -1;
}

std::string depth_label(double z) {
  if (std::abs(z) < 0.05) z = 0;  // no "-0.0"
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "z = %.1f mm", z);
  return buffer;
}

}  // namespace viewers
