#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "viewers/cursor_readout.h"

using neuro::Affine;
using neuro::Grid;
using neuro::Volume;

namespace {

Volume ramp() {
  Volume v(Grid{{4, 4, 4}, Affine::diagonal(-3, 3, 3, 6, -6, -6)}, 2);
  for (int64_t t = 0; t < 2; ++t)
    for (int64_t k = 0; k < 4; ++k)
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t i = 0; i < 4; ++i)
          v.at(i, j, k, t) = static_cast<float>(i + 4 * j + 16 * k + 100 * t);
  v.set_source("ramp.nii.gz");
  return v;
}

neuro::LabelAtlas halves() {
  // Label 1 on the subject's right (x > 0), 2 on the left.
  Volume labels(Grid{{4, 4, 4}, Affine::diagonal(3, 3, 3, -4.5, -6, -6)}, 1);
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t i = 0; i < 4; ++i)
        labels.at(i, j, k) = i >= 2 ? 1.0f : 2.0f;
  return neuro::LabelAtlas(labels, {{1, "Right_Half"}, {2, "Left_Half"}});
}

}  // namespace

TEST(CursorReadout, ValueVoxelAndRegionUnderTheCursor) {
  const Volume under = ramp();
  const Volume over = ramp();
  const neuro::LabelAtlas atlas = halves();
  // World (-1, 0, 3) is nearest voxel (2, 2, 3) of the LAS ramp (x = 6 - 3i,
  // y = 3j - 6, z = 3k - 6) and atlas voxel i = 1 (x = 3i - 4.5).
  const auto readout = viewers::read_cursor({-1, 0, 3}, &under, &over, &atlas);
  ASSERT_TRUE(readout.voxel);
  EXPECT_EQ(*readout.voxel, (std::array<int64_t, 3>{2, 2, 3}));
  EXPECT_EQ(*readout.value, 2 + 8 + 48);
  EXPECT_EQ(*readout.overlay_value, 2 + 8 + 48);
  EXPECT_EQ(readout.label, 2);
  EXPECT_EQ(readout.label_name, "Left_Half");

  const auto right = viewers::read_cursor({4, 0, 3}, &under, nullptr, &atlas);
  EXPECT_EQ(right.label_name, "Right_Half");
  EXPECT_FALSE(right.overlay_value);

  const auto later = viewers::read_cursor({0, 0, 3}, &under, nullptr, nullptr, 1);
  EXPECT_EQ(*later.value, 158);
  const auto beyond = viewers::read_cursor({0, 0, 3}, &under, nullptr, nullptr, 9);
  EXPECT_EQ(*beyond.value, 158);  // the last time point
}

TEST(CursorReadout, OutsideTheImageHasNoVoxelNorValue) {
  const Volume under = ramp();
  const auto readout = viewers::read_cursor({100, 0, 0}, &under, nullptr, nullptr);
  EXPECT_FALSE(readout.voxel);
  EXPECT_FALSE(readout.value);
  EXPECT_NE(viewers::format_readout(readout).find("outside the image"), std::string::npos);
}

TEST(CursorReadout, FormatsOneLine) {
  viewers::CursorReadout readout;
  readout.world = {-12, 4, 30.25};
  readout.voxel = std::array<int64_t, 3>{39, 65, 51};
  readout.value = 812.4f;
  readout.overlay_value = 3.21f;
  readout.label = 7;
  readout.label_name = "Precentral_L";
  const std::string line = viewers::format_readout(readout);
  EXPECT_EQ(line,
            "x -12.0  y 4.0  z 30.2 mm | voxel 39 65 51 | 812.4 | overlay 3.21 | Precentral_L");
  readout.value = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(viewers::format_readout(readout).find("| NaN |"), std::string::npos);
}
