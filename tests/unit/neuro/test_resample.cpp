// Resampling onto another grid: both affines are honoured in full, so a world
// point keeps its label whatever the voxel size, origin, flips or axis order.

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/probabilistic_atlas.h"
#include "neuro/atlas/resample.h"

using neuro::Affine;
using neuro::Grid;
using neuro::Interpolation;
using neuro::Volume;

namespace {

// A 1 mm RAS atlas of 40x44x36 voxels: labels constant on 5 mm blocks, with
// a background border, so that most world points sit well inside a block.
Volume block_atlas() {
  Grid grid{{40, 44, 36}, Affine::diagonal(1, 1, 1, -20, -25, -15)};
  Volume atlas(grid, 1);
  atlas.set_source("block_atlas.nii.gz");
  for (int64_t k = 0; k < 36; ++k) {
    for (int64_t j = 0; j < 44; ++j) {
      for (int64_t i = 0; i < 40; ++i) {
        if (i < 2 || j < 2 || k < 2 || i >= 38 || j >= 42 || k >= 34) continue;
        atlas.at(i, j, k) = static_cast<float>(1 + i / 5 + 8 * (j / 5) + 72 * (k / 5));
      }
    }
  }
  return atlas;
}

// Nearest neighbour done by hand: the label of the source voxel nearest to the
// world point, 0 outside.
int expected_label(const Volume& atlas, const std::array<double, 3>& world) {
  const auto v = atlas.affine().to_voxel(world[0], world[1], world[2]);
  std::array<int64_t, 3> idx{};
  for (size_t d = 0; d < 3; ++d) {
    idx[d] = static_cast<int64_t>(std::floor(v[d] + 0.5));
    if (idx[d] < 0 || idx[d] >= atlas.dims()[d]) return 0;
  }
  return static_cast<int>(atlas.at(idx[0], idx[1], idx[2]));
}

// Target grids of 2 and 3 mm, shifted by fractions of a millimetre (never a
// half, so no voxel centre sits on a tie), flipped, and with axes permuted.
std::vector<Grid> target_grids() {
  std::vector<Grid> grids;
  grids.push_back({{22, 24, 20}, Affine::diagonal(2, 2, 2, -21.3, -26.2, -16.7)});
  // LAS, like FSL's MNI templates: i runs right to left.
  grids.push_back({{22, 24, 20}, Affine::diagonal(-2, 2, 2, 21.3, -26.2, -16.7)});
  grids.push_back({{15, 16, 13}, Affine::diagonal(3, -3, 3, -20.6, 22.3, -15.2)});
  // i along world y, j along -z, k along -x (a rotation plus a flip).
  Affine permuted;
  permuted.m = {0, 0, -3, 19.7, 3, 0, 0, -24.6, 0, -3, 0, 18.3, 0, 0, 0, 1};
  grids.push_back({{16, 13, 14}, permuted});
  return grids;
}

TEST(Resample, NearestNeighbourKeepsTheLabelOfEveryWorldPoint) {
  const Volume atlas = block_atlas();
  for (const Grid& target : target_grids()) {
    const Volume out = neuro::resample(atlas, target, Interpolation::kNearest);
    ASSERT_TRUE(out.grid().same_as(target));
    EXPECT_EQ(out.source(), atlas.source());
    int64_t labelled = 0;
    for (int64_t k = 0; k < target.dims[2]; ++k) {
      for (int64_t j = 0; j < target.dims[1]; ++j) {
        for (int64_t i = 0; i < target.dims[0]; ++i) {
          const auto world = target.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                                    static_cast<double>(k));
          const int want = expected_label(atlas, world);
          ASSERT_EQ(static_cast<int>(out.at(i, j, k)), want)
              << "voxel (" << i << ", " << j << ", " << k << ") at world (" << world[0] << ", "
              << world[1] << ", " << world[2] << ")";
          labelled += want != 0;
        }
      }
    }
    EXPECT_GT(labelled, target.voxel_count() / 3);  // the check is not vacuous
  }
}

TEST(Resample, KnownWorldPointsOnLabelAtlas) {
  const neuro::LabelAtlas atlas(block_atlas());
  // Points at the centres of a few blocks: labels known by construction.
  struct Point {
    std::array<double, 3> world;
    int label;
  };
  // Voxel (i, j, k) is at world (i - 20, j - 25, k - 15); block centre of
  // blocks (bi, bj, bk) at voxel 5 b + 2.
  const std::vector<Point> points = {
      {{-20 + 7, -25 + 7, -15 + 7}, 1 + 1 + 8 * 1 + 72 * 1},
      {{-20 + 22, -25 + 12, -15 + 27}, 1 + 4 + 8 * 2 + 72 * 5},
      {{-20 + 32, -25 + 37, -15 + 17}, 1 + 6 + 8 * 7 + 72 * 3},
  };
  for (const Grid& target : target_grids()) {
    const neuro::LabelAtlas moved = atlas.resampled_to(target);
    EXPECT_EQ(moved.labels(), atlas.labels());
    EXPECT_EQ(moved.names(), atlas.names());
    for (const auto& p : points) {
      ASSERT_EQ(atlas.label_at_world(p.world[0], p.world[1], p.world[2]), p.label);
      EXPECT_EQ(moved.label_at_world(p.world[0], p.world[1], p.world[2]), p.label)
          << "world (" << p.world[0] << ", " << p.world[1] << ", " << p.world[2] << ")";
    }
  }
}

TEST(Resample, OutsideTheSourceFieldOfViewIsZero) {
  const Volume atlas = block_atlas();
  const Grid far{{4, 4, 4}, Affine::diagonal(2, 2, 2, 200, 200, 200)};
  const Volume out = neuro::resample(atlas, far, Interpolation::kNearest);
  for (float v : out.data())
    EXPECT_EQ(v, 0.0f);
}

TEST(Resample, SameGridIsACopy) {
  const Volume atlas = block_atlas();
  const Volume out = neuro::resample(atlas, atlas.grid(), Interpolation::kLinear);
  ASSERT_EQ(out.data().size(), atlas.data().size());
  for (size_t v = 0; v < out.data().size(); ++v)
    ASSERT_EQ(out.data()[v], atlas.data()[v]);
  const neuro::LabelAtlas labels(atlas);
  EXPECT_EQ(labels.resampled_to(atlas.grid()).volume().data().size(), atlas.data().size());
}

// Linear interpolation reproduces an affine function of world position
// exactly, frame by frame, at every target point whose neighbours all lie
// inside the source grid.
TEST(Resample, LinearIsExactOnAffineFunctionsForEveryFrame) {
  Grid grid{{30, 32, 28}, Affine::diagonal(-1, 1, 1, 14, -16, -13)};
  Volume maps(grid, 3);
  const auto field = [](int64_t t, const std::array<double, 3>& w) {
    return 0.5 + 0.01 * static_cast<double>(t + 1) * w[0] - 0.02 * w[1] + 0.015 * w[2] * (t + 1);
  };
  for (int64_t t = 0; t < 3; ++t) {
    for (int64_t k = 0; k < 28; ++k) {
      for (int64_t j = 0; j < 32; ++j) {
        for (int64_t i = 0; i < 30; ++i) {
          maps.at(i, j, k, t) = static_cast<float>(
              field(t, grid.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                            static_cast<double>(k))));
        }
      }
    }
  }
  for (const Grid& target :
       {Grid{{12, 13, 11}, Affine::diagonal(2.2, 2.2, 2.2, -12.1, -13.7, -11.3)},
        Grid{{9, 10, 9}, Affine::diagonal(-3, 3, -3, 12.4, -14.1, 12.2)}}) {
    const neuro::ProbabilisticAtlas atlas(maps);
    const Volume out = atlas.resampled_to(target).maps();
    ASSERT_EQ(out.frames(), 3);
    int64_t checked = 0;
    for (int64_t t = 0; t < 3; ++t) {
      for (int64_t k = 0; k < target.dims[2]; ++k) {
        for (int64_t j = 0; j < target.dims[1]; ++j) {
          for (int64_t i = 0; i < target.dims[0]; ++i) {
            const auto world = target.affine.to_world(
                static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
            const auto v = grid.affine.to_voxel(world[0], world[1], world[2]);
            bool interior = true;
            for (size_t d = 0; d < 3; ++d) {
              interior = interior && v[d] >= 0 && v[d] <= static_cast<double>(grid.dims[d] - 1);
            }
            if (!interior) continue;
            ++checked;
            ASSERT_NEAR(out.at(i, j, k, t), field(t, world), 1e-4)
                << "frame " << t << " voxel (" << i << ", " << j << ", " << k << ")";
          }
        }
      }
    }
    EXPECT_GT(checked, 500);
  }
}

}  // namespace
