#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "viewers/slice.h"
#include "viewers/view_layout.h"

using neuro::Affine;
using neuro::Grid;
using neuro::Volume;
using viewers::Convention;
using viewers::Plane;
using viewers::WorldPoint;

namespace {

// One object, a distinct value per voxel: f(i, j, k) for voxel (i, j, k) of
// the RAS image, whose voxel (i, j, k) sits at (2i - 4, 2j - 5, 2k - 6) mm.
float f(int64_t i, int64_t j, int64_t k) {
  return static_cast<float>(100 * i + 10 * j + k + 1);
}

Volume make(const std::array<int64_t, 3>& dims, const Affine& affine,
            const std::function<float(int64_t, int64_t, int64_t)>& value) {
  Volume v(Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k)
    for (int64_t j = 0; j < dims[1]; ++j)
      for (int64_t i = 0; i < dims[0]; ++i)
        v.at(i, j, k) = value(i, j, k);
  return v;
}

Volume ras() {
  return make({5, 6, 7}, Affine::diagonal(2, 2, 2, -4, -5, -6), f);
}

// The same object stored right-to-left: voxel i' holds RAS voxel 4 - i'.
Volume las() {
  return make({5, 6, 7}, Affine::diagonal(-2, 2, 2, 4, -5, -6),
              [](int64_t i, int64_t j, int64_t k) { return f(4 - i, j, k); });
}

// The same object with permuted, flipped axes: voxel (a, b, c) lies at
// (2b - 4, 2c - 5, 6 - 2a), so a runs from superior to inferior.
Volume permuted() {
  Affine a;
  a.m = {0,  2, 0, -4,  //
         0,  0, 2, -5,  //
         -2, 0, 0, 6,   //
         0,  0, 0, 1};
  return make({7, 5, 6}, a, [](int64_t p, int64_t q, int64_t r) { return f(q, r, 6 - p); });
}

WorldPoint world_of_voxel(int64_t i, int64_t j, int64_t k) {
  return {2.0 * i - 4, 2.0 * j - 5, 2.0 * k - 6};
}

float pixel(const std::vector<float>& slice, const viewers::SliceLayout& layout, int c, int r) {
  return slice[static_cast<size_t>(r * layout.width + c)];
}

}  // namespace

TEST(SliceLayout, AxialIsRightwardAndAnteriorUpInNeurologicalConvention) {
  const Volume v = ras();
  const auto layout = viewers::layout_slice(v.grid(), Plane::kAxial, {0, 0, 2});
  EXPECT_EQ(layout.width, 5);
  EXPECT_EQ(layout.height, 6);
  EXPECT_EQ(layout.normal_axis(), 2);
  const WorldPoint corner = layout.world_of(0, 0);
  EXPECT_DOUBLE_EQ(corner[0], -4);
  EXPECT_DOUBLE_EQ(corner[1], -5);
  EXPECT_DOUBLE_EQ(corner[2], 2);
  const WorldPoint next = layout.world_of(1, 1);
  EXPECT_DOUBLE_EQ(next[0], -2);  // one pixel right is 2 mm towards the right
  EXPECT_DOUBLE_EQ(next[1], -3);  // one pixel up is 2 mm anterior
  const auto back = layout.pixel_of({3, 1, 2});
  EXPECT_DOUBLE_EQ(back[0], 3.5);
  EXPECT_DOUBLE_EQ(back[1], 3);
}

TEST(SliceLayout, RadiologicalMirrorsLeftAndRightOnly) {
  const Volume v = ras();
  const auto neuro = viewers::layout_slice(v.grid(), Plane::kCoronal, {0, 1, 0});
  const auto radio =
      viewers::layout_slice(v.grid(), Plane::kCoronal, {0, 1, 0}, Convention::kRadiological);
  EXPECT_DOUBLE_EQ(radio.world_of(0, 0)[0], 4);  // the subject's right on the screen's left
  EXPECT_DOUBLE_EQ(radio.step_x[0], -2);
  EXPECT_EQ(radio.step_y, neuro.step_y);
  const auto sagittal_neuro = viewers::layout_slice(v.grid(), Plane::kSagittal, {0, 0, 0});
  const auto sagittal_radio =
      viewers::layout_slice(v.grid(), Plane::kSagittal, {0, 0, 0}, Convention::kRadiological);
  EXPECT_EQ(sagittal_neuro.step_x, sagittal_radio.step_x);
  EXPECT_DOUBLE_EQ(sagittal_neuro.step_x[1], 2);  // anterior to the right
}

TEST(ExtractSlice, ReturnsTheVoxelsAtKnownWorldPositions) {
  const Volume v = ras();
  const WorldPoint through = world_of_voxel(2, 3, 4);

  const auto axial = viewers::layout_slice(v.grid(), Plane::kAxial, through);
  const auto a = viewers::extract_slice(v, axial);
  for (int r = 0; r < axial.height; ++r)
    for (int c = 0; c < axial.width; ++c)
      EXPECT_EQ(pixel(a, axial, c, r), f(c, r, 4));

  const auto mirrored =
      viewers::layout_slice(v.grid(), Plane::kAxial, through, Convention::kRadiological);
  const auto m = viewers::extract_slice(v, mirrored);
  for (int r = 0; r < mirrored.height; ++r)
    for (int c = 0; c < mirrored.width; ++c)
      EXPECT_EQ(pixel(m, mirrored, c, r), f(4 - c, r, 4));

  const auto coronal = viewers::layout_slice(v.grid(), Plane::kCoronal, through);
  ASSERT_EQ(coronal.height, 7);
  const auto co = viewers::extract_slice(v, coronal);
  for (int r = 0; r < coronal.height; ++r)
    for (int c = 0; c < coronal.width; ++c)
      EXPECT_EQ(pixel(co, coronal, c, r), f(c, 3, r));

  const auto sagittal = viewers::layout_slice(v.grid(), Plane::kSagittal, through);
  ASSERT_EQ(sagittal.width, 6);
  const auto s = viewers::extract_slice(v, sagittal);
  for (int r = 0; r < sagittal.height; ++r)
    for (int c = 0; c < sagittal.width; ++c)
      EXPECT_EQ(pixel(s, sagittal, c, r), f(2, c, r));
}

TEST(ExtractSlice, FlippedAndPermutedImagesOfOneObjectLookTheSame) {
  const Volume reference = ras();
  const Volume others[] = {las(), permuted()};
  for (const Volume& other : others) {
    SCOPED_TRACE(neuro::orientation_code(other.affine()));
    for (Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
      for (Convention convention : {Convention::kNeurological, Convention::kRadiological}) {
        SCOPED_TRACE(viewers::plane_name(plane));
        // A voxel centre, and a point half way between voxels on every axis.
        for (const WorldPoint& through : {world_of_voxel(1, 4, 5), WorldPoint{-1, 4, 5}}) {
          const auto layout_ref =
              viewers::layout_slice(reference.grid(), plane, through, convention);
          const auto layout_other = viewers::layout_slice(other.grid(), plane, through, convention);
          EXPECT_EQ(layout_ref.width, layout_other.width);
          EXPECT_EQ(layout_ref.height, layout_other.height);
          EXPECT_EQ(layout_ref.origin, layout_other.origin);
          EXPECT_EQ(viewers::extract_slice(reference, layout_ref),
                    viewers::extract_slice(other, layout_other));
          EXPECT_EQ(viewers::sample_at(reference, through), viewers::sample_at(other, through));
        }
      }
    }
  }
}

TEST(ExtractSlice, DepthPicksTheNearestVoxelAndOutsideIsNaN) {
  const Volume v = ras();
  auto layout = viewers::layout_slice(v.grid(), Plane::kAxial, {0, 0, 2.9});
  EXPECT_EQ(viewers::extract_slice(v, layout)[0], f(0, 0, 4));
  layout = viewers::layout_slice(v.grid(), Plane::kAxial, {0, 0, 3.1});
  EXPECT_EQ(viewers::extract_slice(v, layout)[0], f(0, 0, 5));
  layout = viewers::layout_slice(v.grid(), Plane::kAxial, {0, 0, 20});
  for (float value : viewers::extract_slice(v, layout))
    EXPECT_TRUE(std::isnan(value));
}

TEST(ExtractSlice, OverlayOnACoarserGridIsSampledOnTheUnderlaySlice) {
  const Volume fine = ras();
  // 4 mm voxels over the same box: voxel (i, j, k) at (4i - 4, 4j - 5, 4k - 6).
  const Volume coarse = make(
      {3, 3, 4}, Affine::diagonal(4, 4, 4, -4, -5, -6),
      [](int64_t i, int64_t j, int64_t k) { return static_cast<float>(i + 10 * j + 100 * k); });
  const auto layout = viewers::layout_slice(fine.grid(), Plane::kAxial, world_of_voxel(0, 0, 2));
  const auto nearest = viewers::extract_slice(coarse, layout);
  ASSERT_EQ(nearest.size(), size_t(5 * 6));
  EXPECT_EQ(pixel(nearest, layout, 0, 0), 100);  // z = -2 is coarse k = 1
  EXPECT_EQ(pixel(nearest, layout, 2, 2), 111);  // (0, -1) mm is coarse (1, 1)
  const auto linear = viewers::extract_slice(coarse, layout, 0, viewers::Interpolation::kLinear);
  EXPECT_FLOAT_EQ(pixel(linear, layout, 1, 0), 100.5f);  // halfway between coarse i 0 and 1
}

TEST(SampleAt, NearestAndLinear) {
  const Volume v = ras();
  EXPECT_EQ(*viewers::sample_at(v, world_of_voxel(2, 3, 4)), f(2, 3, 4));
  const float halfway = *viewers::sample_at(v, {1, 1, 2}, 0, viewers::Interpolation::kLinear);
  EXPECT_FLOAT_EQ(halfway, (f(2, 3, 4) + f(3, 3, 4)) / 2);
  EXPECT_FALSE(viewers::sample_at(v, {100, 0, 0}));
  EXPECT_EQ(*viewers::nearest_voxel(v.grid(), {0.9, 1, 2}), (std::array<int64_t, 3>{2, 3, 4}));
  EXPECT_FALSE(viewers::nearest_voxel(v.grid(), {-5.1, 0, 0}));
  EXPECT_TRUE(viewers::nearest_voxel(v.grid(), {-4.9, 0, 0}));
  EXPECT_THROW(viewers::sample_at(v, {0, 0, 0}, 3), std::out_of_range);
}

TEST(SliceLayout, AnisotropicVoxelsKeepTheirSizeOnScreen) {
  const Grid grid{{10, 12, 5}, Affine::diagonal(1, 1, 3)};
  const auto coronal = viewers::layout_slice(grid, Plane::kCoronal, {0, 0, 0});
  EXPECT_DOUBLE_EQ(coronal.pixel_width(), 1);
  EXPECT_DOUBLE_EQ(coronal.pixel_height(), 3);
  EXPECT_EQ(coronal.height, 5);
}

TEST(SampleAt, ObliqueImagesReturnTheirVoxelsAtTheirCentres) {
  Affine a = Affine::diagonal(2, 2, 2, 10, -20, 5);
  const double angle = 0.5;
  a(0, 0) = 2 * std::cos(angle);
  a(0, 1) = -2 * std::sin(angle);
  a(1, 0) = 2 * std::sin(angle);
  a(1, 1) = 2 * std::cos(angle);
  const Volume v = make({6, 6, 4}, a, f);
  for (int64_t i : {0, 3, 5}) {
    const auto w = a.to_world(double(i), 2, 1);
    EXPECT_EQ(*viewers::sample_at(v, {w[0], w[1], w[2]}), f(i, 2, 1));
  }
  const auto layout = viewers::layout_slice(v.grid(), Plane::kAxial, a.to_world(2, 2, 1));
  const auto slice = viewers::extract_slice(v, layout);
  size_t inside = 0;
  for (float value : slice)
    inside += std::isnan(value) ? 0 : 1;
  EXPECT_GT(inside, slice.size() / 3);
}

TEST(ViewLayout, ThreeViewsShareOneScaleAndRoundTrip) {
  const Volume v = ras();
  const WorldPoint centre{0, 0, 0};
  const std::array<viewers::SliceLayout, 3> slices{
      viewers::layout_slice(v.grid(), Plane::kAxial, centre),
      viewers::layout_slice(v.grid(), Plane::kCoronal, centre),
      viewers::layout_slice(v.grid(), Plane::kSagittal, centre)};
  const auto frames = viewers::ortho_frames(900, 300, slices);
  EXPECT_EQ(frames[0].rect.width, 300);
  EXPECT_EQ(frames[2].rect.x, 600);
  EXPECT_DOUBLE_EQ(frames[0].mm_per_pixel, frames[2].mm_per_pixel);
  // The centre of the image's box projects to the centre of each view.
  for (const auto& frame : frames) {
    const auto d = frame.display_of(centre);
    EXPECT_NEAR(d[0], frame.rect.x + frame.rect.width / 2.0, 1e-9);
    EXPECT_NEAR(d[1], frame.rect.height / 2.0, 1e-9);
    const WorldPoint back = frame.world_of_display(d[0] + 10, d[1] - 7);
    const auto again = frame.display_of(back);
    EXPECT_NEAR(again[0], d[0] + 10, 1e-9);
    EXPECT_NEAR(again[1], d[1] - 7, 1e-9);
  }
  // Right is to the right in the axial view, anterior up.
  const auto right = frames[0].display_of({4, 0, 0});
  const auto anterior = frames[0].display_of({0, 5, 0});
  EXPECT_GT(right[0], frames[0].display_of(centre)[0]);
  EXPECT_GT(anterior[1], frames[0].display_of(centre)[1]);
  EXPECT_EQ(viewers::frame_at(frames, 650, 10), 2);
  EXPECT_EQ(viewers::frame_at(frames, 950, 10), -1);
}

TEST(ViewLayout, EdgeLettersFollowTheConvention) {
  EXPECT_EQ(viewers::edge_labels(Plane::kAxial, Convention::kNeurological).left, "L");
  EXPECT_EQ(viewers::edge_labels(Plane::kAxial, Convention::kRadiological).left, "R");
  EXPECT_EQ(viewers::edge_labels(Plane::kCoronal, Convention::kRadiological).right, "L");
  EXPECT_EQ(viewers::edge_labels(Plane::kCoronal, Convention::kNeurological).top, "S");
  EXPECT_EQ(viewers::edge_labels(Plane::kSagittal, Convention::kRadiological).right, "A");
}
