// Brain masks: given ones brought onto the data grid, and the EPI mask
// computed from the BOLD series as nilearn's compute_epi_mask does.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "neuro/atlas/brain_mask.h"

using neuro::Affine;
using neuro::BrainMask;
using neuro::Grid;
using neuro::Volume;

namespace {

template <typename F>
void expect_error_naming(F&& f, const std::string& file, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception for " << file;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

bool in_ellipsoid(double i, double j, double k, double ci, double cj, double ck, double ri,
                  double rj, double rk) {
  const double a = (i - ci) / ri, b = (j - cj) / rj, c = (k - ck) / rk;
  return a * a + b * b + c * c <= 1.0;
}

// A synthetic EPI run: a bright ellipsoidal brain on a dark noisy background,
// and a small bright blob apart from it (an eye, a vessel) that the largest
// component step must discard.
Volume synthetic_epi(const Grid& grid, int64_t frames) {
  Volume bold(grid, frames, 2.0);
  bold.set_source("sub-01_task-rest_bold.nii.gz");
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t k = 0; k < grid.dims[2]; ++k) {
      for (int64_t j = 0; j < grid.dims[1]; ++j) {
        for (int64_t i = 0; i < grid.dims[0]; ++i) {
          float value = 20.0f + 5.0f * noise(rng);
          if (in_ellipsoid(i, j, k, 16, 18, 14, 11, 13, 10)) value = 900.0f + 30.0f * noise(rng);
          if (in_ellipsoid(i, j, k, 3, 3, 3, 1.5, 1.5, 1.5)) value = 950.0f + 30.0f * noise(rng);
          bold.at(i, j, k, t) = value;
        }
      }
    }
  }
  return bold;
}

TEST(EpiMask, FindsTheBrainAndDropsDetachedBlobs) {
  const Grid grid{{32, 36, 28}, Affine::diagonal(3, 3, 3.5, -48, -54, -40)};
  const Volume bold = synthetic_epi(grid, 6);
  const BrainMask mask = neuro::compute_epi_mask(bold);
  EXPECT_TRUE(mask.grid().same_as(grid));
  EXPECT_NE(mask.source().find(bold.source()), std::string::npos);
  int64_t agree = 0, brain = 0;
  for (int64_t k = 0; k < 28; ++k) {
    for (int64_t j = 0; j < 36; ++j) {
      for (int64_t i = 0; i < 32; ++i) {
        const bool truth = in_ellipsoid(i, j, k, 16, 18, 14, 11, 13, 10);
        const bool got = mask.contains(grid.index(i, j, k));
        agree += truth == got;
        brain += truth;
        if (in_ellipsoid(i, j, k, 3, 3, 3, 1.5, 1.5, 1.5)) {
          EXPECT_FALSE(got) << "the detached blob at (" << i << ", " << j << ", " << k << ")";
        }
        // Deep inside and far outside there is no doubt.
        if (in_ellipsoid(i, j, k, 16, 18, 14, 8, 10, 7)) {
          EXPECT_TRUE(got);
        }
        if (!in_ellipsoid(i, j, k, 16, 18, 14, 14, 16, 13)) {
          EXPECT_FALSE(got);
        }
      }
    }
  }
  EXPECT_GT(brain, 1000);
  EXPECT_GE(static_cast<double>(agree) / static_cast<double>(grid.voxel_count()), 0.98);
}

TEST(EpiMask, WithoutConnectedComponentTheBlobStays) {
  const Grid grid{{32, 36, 28}, Affine::diagonal(3, 3, 3, 0, 0, 0)};
  const Volume bold = synthetic_epi(grid, 3);
  neuro::EpiMaskOptions options;
  options.connected = false;
  options.opening = 0;
  const BrainMask mask = neuro::compute_epi_mask(bold, options);
  EXPECT_TRUE(mask.contains(grid.index(3, 3, 3)));
  EXPECT_TRUE(mask.contains(grid.index(16, 18, 14)));
  EXPECT_FALSE(mask.contains(grid.index(28, 3, 3)));
}

TEST(EpiMask, NaNVoxelsCountAsBackground) {
  const Grid grid{{32, 36, 28}, Affine::diagonal(3, 3, 3, 0, 0, 0)};
  Volume bold = synthetic_epi(grid, 2);
  bold.at(16, 18, 14, 1) = std::nanf("");  // SPM writes NaN outside the brain; here inside
  const BrainMask mask = neuro::compute_epi_mask(bold);
  EXPECT_GT(mask.count(), 1000);
}

// Two erosions leave nothing of a 3x3x3 image: nilearn warns of an empty
// mask, which no extraction could use.
TEST(EpiMask, EmptyResultThrowsWithTheFile) {
  const Grid grid{{3, 3, 3}, Affine::diagonal(2, 2, 2)};
  Volume bold(grid, 2);
  bold.set_source("flat_bold.nii");
  expect_error_naming([&] { neuro::compute_epi_mask(bold); }, "flat_bold.nii", "empty");
}

TEST(GivenMask, ResampledByNearestNeighbourOntoTheDataGrid) {
  // A 1 mm mask of the box x in [-10, 10), y in [-8, 8), z in [-6, 6).
  const Grid fine{{40, 40, 40}, Affine::diagonal(1, 1, 1, -20, -20, -20)};
  Volume given(fine, 1);
  given.set_source("brain_mask_1mm.nii.gz");
  for (int64_t k = 0; k < 40; ++k) {
    for (int64_t j = 0; j < 40; ++j) {
      for (int64_t i = 0; i < 40; ++i) {
        const double x = i - 20.0, y = j - 20.0, z = k - 20.0;
        if (x >= -10 && x < 10 && y >= -8 && y < 8 && z >= -6 && z < 6) given.at(i, j, k) = 3.0f;
      }
    }
  }
  // The data grid: 3 mm LAS, shifted.
  const Grid data{{12, 12, 12}, Affine::diagonal(-3, 3, 3, 16.6, -17.8, -17.3)};
  const BrainMask mask = BrainMask::from_volume(given, data);
  EXPECT_EQ(mask.source(), "brain_mask_1mm.nii.gz");
  int64_t inside = 0;
  for (int64_t k = 0; k < 12; ++k) {
    for (int64_t j = 0; j < 12; ++j) {
      for (int64_t i = 0; i < 12; ++i) {
        const auto w = data.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                            static_cast<double>(k));
        const auto v = fine.affine.to_voxel(w[0], w[1], w[2]);
        const double x = std::floor(v[0] + 0.5) - 20, y = std::floor(v[1] + 0.5) - 20,
                     z = std::floor(v[2] + 0.5) - 20;
        const bool want = x >= -10 && x < 10 && y >= -8 && y < 8 && z >= -6 && z < 6;
        EXPECT_EQ(mask.contains(data.index(i, j, k)), want) << i << " " << j << " " << k;
        inside += want;
      }
    }
  }
  EXPECT_EQ(mask.count(), inside);
  EXPECT_GT(inside, 20);
  const Volume back = mask.to_volume();
  EXPECT_TRUE(back.grid().same_as(data));
  EXPECT_EQ(back.at(0, 0, 0), mask.contains(0) ? 1.0f : 0.0f);
}

TEST(GivenMask, SameGridIsTakenAsIs) {
  const Grid grid{{5, 5, 5}, Affine::diagonal(2, 2, 2)};
  Volume given(grid, 1);
  given.at(1, 2, 3) = 1.0f;
  given.at(4, 4, 4) = -2.0f;
  given.at(0, 0, 0) = std::nanf("");
  const BrainMask mask = BrainMask::from_volume(given, grid);
  EXPECT_EQ(mask.count(), 2);
  EXPECT_TRUE(mask.contains(grid.index(1, 2, 3)));
  EXPECT_TRUE(mask.contains(grid.index(4, 4, 4)));
  EXPECT_EQ(mask.source(), "brain mask (in memory)");
  EXPECT_EQ(BrainMask::everywhere(grid).count(), 125);
}

TEST(GivenMask, BadMasksThrowWithTheFile) {
  const Grid grid{{5, 5, 5}, Affine::diagonal(2, 2, 2)};
  Volume four_d(grid, 3);
  four_d.set_source("mask_4d.nii.gz");
  four_d.data()[0] = 1.0f;
  expect_error_naming([&] { BrainMask::from_volume(four_d, grid); }, "mask_4d.nii.gz",
                      "must be 3-D, this one has 3 volumes");

  Volume empty(grid, 1);
  empty.set_source("empty_mask.nii");
  expect_error_naming([&] { BrainMask::from_volume(empty, grid); }, "empty_mask.nii", "empty");

  Volume elsewhere(grid, 1);
  elsewhere.set_source("far_mask.nii");
  elsewhere.data()[0] = 1.0f;
  const Grid far{{5, 5, 5}, Affine::diagonal(2, 2, 2, 100, 100, 100)};
  expect_error_naming([&] { BrainMask::from_volume(elsewhere, far); }, "far_mask.nii",
                      "field of view");
}

}  // namespace
