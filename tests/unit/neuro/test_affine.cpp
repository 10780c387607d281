#include <gtest/gtest.h>

#include <cmath>

#include "neuro/image/affine.h"

using neuro::Affine;

TEST(Affine, InverseRoundTripsWorldAndVoxel) {
  Affine a;
  // A rotated, sheared, flipped affine.
  const double m[16] = {-1.9, 0.2, 0.1, 90, 0.3, 2.1, -0.2, -126, 0.05, 0.4, 2.5, -72, 0, 0, 0, 1};
  for (int i = 0; i < 16; ++i)
    a.m[static_cast<size_t>(i)] = m[i];
  const auto w = a.to_world(10.5, 20, 30);
  EXPECT_NEAR(w[0], -1.9 * 10.5 + 0.2 * 20 + 0.1 * 30 + 90, 1e-12);
  const auto v = a.to_voxel(w[0], w[1], w[2]);
  EXPECT_NEAR(v[0], 10.5, 1e-9);
  EXPECT_NEAR(v[1], 20, 1e-9);
  EXPECT_NEAR(v[2], 30, 1e-9);
  const Affine identity = a * a.inverse();
  EXPECT_LT(identity.max_abs_difference(Affine{}), 1e-12);
}

TEST(Affine, SingularAffineCannotBeInverted) {
  Affine a = Affine::diagonal(2, 0, 2);
  EXPECT_THROW(a.inverse(), std::invalid_argument);
}

TEST(Affine, OrientationCodesAsNibabelNamesThem) {
  EXPECT_EQ(neuro::orientation_code(Affine::diagonal(2, 2, 2)), "RAS");
  EXPECT_EQ(neuro::orientation_code(Affine::diagonal(-2, 2, 2)), "LAS");
  EXPECT_EQ(neuro::orientation_code(Affine::diagonal(-1, -1, 1)), "LPS");
  Affine coronal;  // i -> x, j -> z, k -> -y
  coronal.m = {1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(neuro::orientation_code(coronal), "RSP");
  EXPECT_NEAR(coronal.voxel_size()[2], 1.0, 1e-12);
}
