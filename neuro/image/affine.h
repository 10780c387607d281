#pragma once
// The 4x4 voxel -> world (mm) transform of an image, and the orientation code
// ("RAS", "LAS", ...) that viewers print for it.

#include <array>
#include <string>

namespace neuro {

struct Affine {
  // Row-major 4x4; the last row is (0, 0, 0, 1).
  std::array<double, 16> m{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

  double operator()(int row, int col) const { return m[static_cast<size_t>(row * 4 + col)]; }
  double& operator()(int row, int col) { return m[static_cast<size_t>(row * 4 + col)]; }

  // World coordinates (mm) of a (possibly fractional) voxel index.
  std::array<double, 3> to_world(double i, double j, double k) const;
  // Voxel index (fractional) of a world coordinate; throws if not invertible.
  std::array<double, 3> to_voxel(double x, double y, double z) const;
  Affine inverse() const;
  Affine operator*(const Affine& rhs) const;
  // Length of each voxel axis in mm (column norms of the 3x3 part).
  std::array<double, 3> voxel_size() const;
  // Largest absolute difference between two affines, entry by entry.
  double max_abs_difference(const Affine& other) const;

  static Affine diagonal(double sx, double sy, double sz, double tx = 0, double ty = 0,
                         double tz = 0);
};

// The axis codes of the voxel axes as nibabel's aff2axcodes gives them, joined:
// "RAS" means i runs towards Right, j towards Anterior, k towards Superior.
std::string orientation_code(const Affine& affine);

}  // namespace neuro
