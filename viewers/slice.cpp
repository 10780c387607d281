#include "viewers/slice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace viewers {
namespace {

constexpr float kOutside = std::numeric_limits<float>::quiet_NaN();

// A point exactly half way between two voxel centres would round towards the
// higher voxel index, which lies left in an RAS file and right in an LAS one.
// Moving every sample a hair towards +x, +y, +z settles such ties the same
// way in the world, whatever the file's voxel order.
constexpr double kTieBreakMm = 1e-6;

WorldPoint nudged(const WorldPoint& world) {
  return {world[0] + kTieBreakMm, world[1] + kTieBreakMm, world[2] + kTieBreakMm};
}

double dot(const WorldPoint& a, const WorldPoint& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// The screen axes of a plane: which world axis runs along x and y, and
// whether x runs towards +axis (neurological) or -axis (radiological).
struct ScreenAxes {
  int x_axis, y_axis, normal;
  double x_sign;
};

ScreenAxes screen_axes(Plane plane, Convention convention) {
  const double lr = convention == Convention::kNeurological ? 1.0 : -1.0;
  switch (plane) {
    case Plane::kAxial:
      return {0, 1, 2, lr};
    case Plane::kCoronal:
      return {0, 2, 1, lr};
    case Plane::kSagittal:
      return {1, 2, 0, 1.0};
  }
  throw std::invalid_argument("slice: unknown plane");
}

// Maps pixel centres to fractional voxel indices with two additions per pixel.
struct VoxelWalk {
  WorldPoint start, per_column, per_row;
  VoxelWalk(const neuro::Affine& world_to_voxel, const SliceLayout& layout) {
    const WorldPoint origin = nudged(layout.origin);
    start = world_to_voxel.to_world(origin[0], origin[1], origin[2]);
    const auto linear = [&](const WorldPoint& d) {
      WorldPoint r{};
      for (int row = 0; row < 3; ++row) {
        r[static_cast<size_t>(row)] = world_to_voxel(row, 0) * d[0] +
                                      world_to_voxel(row, 1) * d[1] + world_to_voxel(row, 2) * d[2];
      }
      return r;
    };
    per_column = linear(layout.step_x);
    per_row = linear(layout.step_y);
  }
};

float nearest_value(const neuro::Volume& volume, const float* frame, const WorldPoint& v) {
  const auto& dims = volume.dims();
  const auto i = static_cast<int64_t>(std::floor(v[0] + 0.5));
  const auto j = static_cast<int64_t>(std::floor(v[1] + 0.5));
  const auto k = static_cast<int64_t>(std::floor(v[2] + 0.5));
  if (i < 0 || j < 0 || k < 0 || i >= dims[0] || j >= dims[1] || k >= dims[2]) return kOutside;
  return frame[volume.grid().index(i, j, k)];
}

// Trilinear between voxel centres; within half a voxel of the outer centres
// the edge value holds, as nearest sampling would show it.
float linear_value(const neuro::Volume& volume, const float* frame, const WorldPoint& v) {
  const auto& dims = volume.dims();
  std::array<int64_t, 3> lo{};
  std::array<double, 3> w{};
  for (size_t a = 0; a < 3; ++a) {
    const double n = static_cast<double>(dims[a]);
    if (!(v[a] >= -0.5 && v[a] < n - 0.5)) return kOutside;
    const double c = std::clamp(v[a], 0.0, n - 1);
    const double f = std::floor(c);
    lo[a] = std::min(static_cast<int64_t>(f), dims[a] - 1);
    w[a] = c - f;
  }
  const auto& grid = volume.grid();
  double sum = 0;
  for (int corner = 0; corner < 8; ++corner) {
    std::array<int64_t, 3> idx{};
    double weight = 1;
    for (size_t a = 0; a < 3; ++a) {
      const bool up = (corner >> a) & 1;
      idx[a] = std::min(lo[a] + (up ? 1 : 0), dims[a] - 1);
      weight *= up ? w[a] : 1 - w[a];
    }
    if (weight == 0) continue;
    sum += weight * frame[grid.index(idx[0], idx[1], idx[2])];
  }
  return static_cast<float>(sum);
}

const float* frame_data(const neuro::Volume& volume, int64_t frame) {
  if (frame < 0 || frame >= volume.frames()) {
    throw std::out_of_range(volume.source() + ": time point " + std::to_string(frame) +
                            " is outside 0.." + std::to_string(volume.frames() - 1));
  }
  return volume.frame(frame).data();
}

}  // namespace

// Choosing the most aligned voxel axis makes an axis-aligned grid sample
// exactly one pixel per voxel.
double spacing_along(const neuro::Affine& affine, int world_axis) {
  const auto size = affine.voxel_size();
  int best = 0;
  double best_cos = -1;
  for (int v = 0; v < 3; ++v) {
    const double s = size[static_cast<size_t>(v)];
    const double c = s > 0 ? std::abs(affine(world_axis, v)) / s : 0;
    if (c > best_cos) {
      best_cos = c;
      best = v;
    }
  }
  const double s = size[static_cast<size_t>(best)];
  return s > 0 ? s : 1.0;
}

const char* plane_name(Plane plane) {
  switch (plane) {
    case Plane::kAxial:
      return "axial";
    case Plane::kCoronal:
      return "coronal";
    case Plane::kSagittal:
      return "sagittal";
  }
  return "axial";
}

int SliceLayout::normal_axis() const {
  switch (plane) {
    case Plane::kAxial:
      return 2;
    case Plane::kCoronal:
      return 1;
    case Plane::kSagittal:
      return 0;
  }
  return 2;
}

double SliceLayout::pixel_width() const {
  return std::sqrt(dot(step_x, step_x));
}
double SliceLayout::pixel_height() const {
  return std::sqrt(dot(step_y, step_y));
}

WorldPoint SliceLayout::world_of(double column, double row) const {
  return {origin[0] + column * step_x[0] + row * step_y[0],
          origin[1] + column * step_x[1] + row * step_y[1],
          origin[2] + column * step_x[2] + row * step_y[2]};
}

std::array<double, 2> SliceLayout::pixel_of(const WorldPoint& world) const {
  const WorldPoint d{world[0] - origin[0], world[1] - origin[1], world[2] - origin[2]};
  return {dot(d, step_x) / dot(step_x, step_x), dot(d, step_y) / dot(step_y, step_y)};
}

std::array<std::array<double, 2>, 3> world_bounds(const neuro::Grid& grid) {
  std::array<std::array<double, 2>, 3> bounds{};
  for (auto& b : bounds)
    b = {std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()};
  for (int corner = 0; corner < 8; ++corner) {
    const double i = (corner & 1) ? static_cast<double>(grid.dims[0] - 1) : 0.0;
    const double j = (corner & 2) ? static_cast<double>(grid.dims[1] - 1) : 0.0;
    const double k = (corner & 4) ? static_cast<double>(grid.dims[2] - 1) : 0.0;
    const auto w = grid.affine.to_world(i, j, k);
    for (size_t a = 0; a < 3; ++a) {
      bounds[a][0] = std::min(bounds[a][0], w[a]);
      bounds[a][1] = std::max(bounds[a][1], w[a]);
    }
  }
  return bounds;
}

WorldPoint world_centre(const neuro::Grid& grid) {
  const auto bounds = world_bounds(grid);
  WorldPoint centre{};
  for (size_t a = 0; a < 3; ++a)
    centre[a] = (bounds[a][0] + bounds[a][1]) / 2;
  return centre;
}

WorldPoint clamp_to_bounds(const neuro::Grid& grid, const WorldPoint& world) {
  const auto bounds = world_bounds(grid);
  WorldPoint clamped = world;
  for (size_t a = 0; a < 3; ++a)
    clamped[a] = std::clamp(clamped[a], bounds[a][0], bounds[a][1]);
  return clamped;
}

SliceLayout layout_slice(const neuro::Grid& reference, Plane plane, const WorldPoint& world,
                         Convention convention) {
  if (reference.voxel_count() <= 0) throw std::invalid_argument("slice: the image has no voxels");
  const ScreenAxes axes = screen_axes(plane, convention);
  const auto bounds = world_bounds(reference);
  const auto count = [&](int axis, double spacing) {
    const auto& b = bounds[static_cast<size_t>(axis)];
    // The tolerance keeps an exact multiple of the spacing from gaining a pixel.
    return static_cast<int>(std::ceil((b[1] - b[0]) / spacing - 1e-6)) + 1;
  };
  const double sx = spacing_along(reference.affine, axes.x_axis);
  const double sy = spacing_along(reference.affine, axes.y_axis);

  SliceLayout layout;
  layout.plane = plane;
  layout.width = count(axes.x_axis, sx);
  layout.height = count(axes.y_axis, sy);
  layout.step_x = {0, 0, 0};
  layout.step_y = {0, 0, 0};
  layout.step_x[static_cast<size_t>(axes.x_axis)] = axes.x_sign * sx;
  layout.step_y[static_cast<size_t>(axes.y_axis)] = sy;
  const auto& bx = bounds[static_cast<size_t>(axes.x_axis)];
  layout.origin[static_cast<size_t>(axes.x_axis)] = axes.x_sign > 0 ? bx[0] : bx[1];
  layout.origin[static_cast<size_t>(axes.y_axis)] = bounds[static_cast<size_t>(axes.y_axis)][0];
  layout.origin[static_cast<size_t>(axes.normal)] = world[static_cast<size_t>(axes.normal)];
  return layout;
}

std::vector<float> extract_slice(const neuro::Volume& volume, const SliceLayout& layout,
                                 int64_t frame, Interpolation interpolation) {
  const float* data = frame_data(volume, frame);
  const VoxelWalk walk(volume.affine().inverse(), layout);
  std::vector<float> values(static_cast<size_t>(layout.width) * static_cast<size_t>(layout.height));
  for (int r = 0; r < layout.height; ++r) {
    for (int c = 0; c < layout.width; ++c) {
      const WorldPoint v{walk.start[0] + c * walk.per_column[0] + r * walk.per_row[0],
                         walk.start[1] + c * walk.per_column[1] + r * walk.per_row[1],
                         walk.start[2] + c * walk.per_column[2] + r * walk.per_row[2]};
      values[static_cast<size_t>(r) * static_cast<size_t>(layout.width) + static_cast<size_t>(c)] =
          interpolation == Interpolation::kNearest ? nearest_value(volume, data, v)
                                                   : linear_value(volume, data, v);
    }
  }
  return values;
}

std::optional<std::array<int64_t, 3>> nearest_voxel(const neuro::Grid& grid,
                                                    const WorldPoint& world) {
  const WorldPoint w = nudged(world);
  const auto v = grid.affine.to_voxel(w[0], w[1], w[2]);
  std::array<int64_t, 3> index{};
  for (size_t a = 0; a < 3; ++a) {
    index[a] = static_cast<int64_t>(std::floor(v[a] + 0.5));
    if (index[a] < 0 || index[a] >= grid.dims[a]) return std::nullopt;
  }
  return index;
}

std::optional<float> sample_at(const neuro::Volume& volume, const WorldPoint& world, int64_t frame,
                               Interpolation interpolation) {
  const float* data = frame_data(volume, frame);
  const WorldPoint w = nudged(world);
  const auto v = volume.affine().to_voxel(w[0], w[1], w[2]);
  const float value = interpolation == Interpolation::kNearest ? nearest_value(volume, data, v)
                                                               : linear_value(volume, data, v);
  // A NaN stored in the image is a value; only the outside has none.
  if (std::isnan(value) && !nearest_voxel(volume.grid(), world)) return std::nullopt;
  return value;
}

}  // namespace viewers
