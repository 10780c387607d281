#pragma once
// Synthetic images for the GUI tests: a head-like underlay on a 2 mm grid and
// a spherical blob overlay on a 3 mm grid, both centred on the world origin.

#include <array>
#include <cmath>

#include "neuro/image/volume.h"

namespace neuroseq_test {

using Point = std::array<double, 3>;

// An ellipsoid "brain" (60 x 72 x 60 voxels of 2 mm) brighter at its core,
// with a bright sphere in the left hemisphere (x = -30) so that a left-right
// mirror shows. `left_to_right` stores the same object with i running from
// right to left (an LAS file).
inline neuro::Volume head_volume(bool left_to_right = false) {
  const std::array<int64_t, 3> dims{60, 72, 60};
  neuro::Affine affine = neuro::Affine::diagonal(2, 2, 2, -59, -71, -59);
  if (left_to_right) {
    affine(0, 0) = -2;
    affine(0, 3) = 59;
  }
  neuro::Volume v(neuro::Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        const auto w = affine.to_world(double(i), double(j), double(k));
        const double r2 =
            (w[0] / 52) * (w[0] / 52) + (w[1] / 64) * (w[1] / 64) + (w[2] / 50) * (w[2] / 50);
        float value = 0;
        if (r2 < 1) value = static_cast<float>(300 + 500 * (1 - r2));
        const double dx = w[0] + 30, dy = w[1], dz = w[2];
        if (dx * dx + dy * dy + dz * dz < 64) value = 1200;
        v.at(i, j, k) = value;
      }
    }
  }
  return v;
}

// `peak` inside a sphere of `radius_mm` around `centre`, 0 elsewhere.
inline neuro::Volume blob_volume(const Point& centre, double radius_mm, float peak) {
  const std::array<int64_t, 3> dims{40, 48, 40};
  const neuro::Affine affine = neuro::Affine::diagonal(3, 3, 3, -58.5, -70.5, -58.5);
  neuro::Volume v(neuro::Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        const auto w = affine.to_world(double(i), double(j), double(k));
        const double d2 = (w[0] - centre[0]) * (w[0] - centre[0]) +
                          (w[1] - centre[1]) * (w[1] - centre[1]) +
                          (w[2] - centre[2]) * (w[2] - centre[2]);
        v.at(i, j, k) = d2 <= radius_mm * radius_mm ? peak : 0.0f;
      }
    }
  }
  return v;
}

// Labels 1 (x >= 0, right hemisphere) and 2 (x < 0) inside the head's box.
inline neuro::Volume hemisphere_labels() {
  const std::array<int64_t, 3> dims{60, 72, 60};
  const neuro::Affine affine = neuro::Affine::diagonal(2, 2, 2, -59, -71, -59);
  neuro::Volume v(neuro::Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k)
    for (int64_t j = 0; j < dims[1]; ++j)
      for (int64_t i = 0; i < dims[0]; ++i)
        v.at(i, j, k) = i >= 30 ? 1.0f : 2.0f;
  return v;
}

}  // namespace neuroseq_test
