#include "neuro/image/affine.h"

#include <cmath>
#include <stdexcept>

namespace neuro {

std::array<double, 3> Affine::to_world(double i, double j, double k) const {
  const auto& a = *this;
  return {a(0, 0) * i + a(0, 1) * j + a(0, 2) * k + a(0, 3),
          a(1, 0) * i + a(1, 1) * j + a(1, 2) * k + a(1, 3),
          a(2, 0) * i + a(2, 1) * j + a(2, 2) * k + a(2, 3)};
}

std::array<double, 3> Affine::to_voxel(double x, double y, double z) const {
  return inverse().to_world(x, y, z);
}

Affine Affine::inverse() const {
  const auto& a = *this;
  const double det = a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
                     a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
                     a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
  if (!std::isfinite(det) || std::abs(det) < 1e-12) {
    throw std::invalid_argument("affine: the 3x3 part is singular and cannot be inverted");
  }
  Affine r;
  r(0, 0) = (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) / det;
  r(0, 1) = (a(0, 2) * a(2, 1) - a(0, 1) * a(2, 2)) / det;
  r(0, 2) = (a(0, 1) * a(1, 2) - a(0, 2) * a(1, 1)) / det;
  r(1, 0) = (a(1, 2) * a(2, 0) - a(1, 0) * a(2, 2)) / det;
  r(1, 1) = (a(0, 0) * a(2, 2) - a(0, 2) * a(2, 0)) / det;
  r(1, 2) = (a(0, 2) * a(1, 0) - a(0, 0) * a(1, 2)) / det;
  r(2, 0) = (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0)) / det;
  r(2, 1) = (a(0, 1) * a(2, 0) - a(0, 0) * a(2, 1)) / det;
  r(2, 2) = (a(0, 0) * a(1, 1) - a(0, 1) * a(1, 0)) / det;
  for (int row = 0; row < 3; ++row) {
    r(row, 3) = -(r(row, 0) * a(0, 3) + r(row, 1) * a(1, 3) + r(row, 2) * a(2, 3));
  }
  return r;
}

Affine Affine::operator*(const Affine& rhs) const {
  Affine r;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      double s = 0;
      for (int k = 0; k < 4; ++k)
        s += (*this)(i, k) * rhs(k, j);
      r(i, j) = s;
    }
  }
  return r;
}

std::array<double, 3> Affine::voxel_size() const {
  std::array<double, 3> size{};
  for (int c = 0; c < 3; ++c) {
    const auto& a = *this;
    size[static_cast<size_t>(c)] =
        std::sqrt(a(0, c) * a(0, c) + a(1, c) * a(1, c) + a(2, c) * a(2, c));
  }
  return size;
}

double Affine::max_abs_difference(const Affine& other) const {
  double d = 0;
  for (size_t i = 0; i < 16; ++i)
    d = std::max(d, std::abs(m[i] - other.m[i]));
  return d;
}

Affine Affine::diagonal(double sx, double sy, double sz, double tx, double ty, double tz) {
  Affine a;
  a(0, 0) = sx;
  a(1, 1) = sy;
  a(2, 2) = sz;
  a(0, 3) = tx;
  a(1, 3) = ty;
  a(2, 3) = tz;
  return a;
}

std::string orientation_code(const Affine& affine) {
  // As nibabel's io_orientation: for each voxel axis, the world axis it moves
  // along most, taken greedily by largest absolute cosine, after normalising
  // the columns.
  double rs[3][3];
  const auto size = affine.voxel_size();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      const double n = size[static_cast<size_t>(c)];
      rs[r][c] = n > 0 ? affine(r, c) / n : 0.0;
    }
  }
  int world_of_axis[3] = {-1, -1, -1};
  bool used_world[3] = {false, false, false};
  bool used_axis[3] = {false, false, false};
  for (int step = 0; step < 3; ++step) {
    int best_r = -1, best_c = -1;
    double best = -1;
    for (int r = 0; r < 3; ++r) {
      if (used_world[r]) continue;
      for (int c = 0; c < 3; ++c) {
        if (used_axis[c]) continue;
        if (std::abs(rs[r][c]) > best) {
          best = std::abs(rs[r][c]);
          best_r = r;
          best_c = c;
        }
      }
    }
    used_world[best_r] = used_axis[best_c] = true;
    world_of_axis[best_c] = best_r;
  }
  static const char positive[3] = {'R', 'A', 'S'};
  static const char negative[3] = {'L', 'P', 'I'};
  std::string code;
  for (int c = 0; c < 3; ++c) {
    const int r = world_of_axis[c];
    code += rs[r][c] >= 0 ? positive[r] : negative[r];
  }
  return code;
}

}  // namespace neuro
