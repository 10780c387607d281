#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "viewers/colormap.h"
#include "viewers/slice_image.h"

using viewers::ColormapName;
using viewers::LayerStyle;
using viewers::Rgba;

namespace {

void expect_colour(const Rgba& got, int r, int g, int b, int tolerance = 1) {
  EXPECT_NEAR(got.r, r, tolerance);
  EXPECT_NEAR(got.g, g, tolerance);
  EXPECT_NEAR(got.b, b, tolerance);
}

LayerStyle overlay(ColormapName map, double lo, double hi, double positive, double negative) {
  LayerStyle style;
  style.colormap = map;
  style.range = {lo, hi};
  style.thresholds = viewers::Thresholds{positive, negative};
  return style;
}

}  // namespace

TEST(Colormap, HotRunsFromBlackThroughRedAndYellowToWhite) {
  expect_colour(viewers::colormap_at(ColormapName::kHot, 0.0), 0, 0, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kHot, 1.0 / 3), 255, 0, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kHot, 0.5), 255, 128, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kHot, 2.0 / 3), 255, 255, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kHot, 1.0), 255, 255, 255, 0);
  EXPECT_EQ(viewers::colormap_at(ColormapName::kHot, 0.5).a, 255);
}

TEST(Colormap, PositionsOutsideTheMapAreClamped) {
  EXPECT_EQ(viewers::colormap_at(ColormapName::kHot, -3),
            viewers::colormap_at(ColormapName::kHot, 0));
  EXPECT_EQ(viewers::colormap_at(ColormapName::kHot, 7),
            viewers::colormap_at(ColormapName::kHot, 1));
}

TEST(Colormap, EveryMapHasItsKnownEnds) {
  expect_colour(viewers::colormap_at(ColormapName::kGrey, 0.25), 64, 64, 64);
  expect_colour(viewers::colormap_at(ColormapName::kCold, 0.5), 0, 128, 255);
  expect_colour(viewers::colormap_at(ColormapName::kRedYellow, 0), 255, 0, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kRedYellow, 1), 255, 255, 0, 0);
  expect_colour(viewers::colormap_at(ColormapName::kBlueLightBlue, 0), 0, 0, 255, 0);
  expect_colour(viewers::colormap_at(ColormapName::kBlueLightBlue, 1), 0, 255, 255, 0);
  expect_colour(viewers::colormap_at(ColormapName::kViridis, 0), 0x44, 0x01, 0x54, 0);
  expect_colour(viewers::colormap_at(ColormapName::kViridis, 1), 0xfd, 0xe7, 0x25, 0);
}

TEST(Colormap, HotThroughADisplayRange) {
  const LayerStyle style = overlay(ColormapName::kHot, 0, 10, 0, 0);
  expect_colour(viewers::map_value(10, style), 255, 255, 255);
  expect_colour(viewers::map_value(5, style), 255, 128, 0);
  expect_colour(viewers::map_value(20, style), 255, 255, 255);  // clamped
}

TEST(Colormap, RdBuIsSymmetricAboutZero) {
  const LayerStyle style = overlay(ColormapName::kRdBu, -4, 4, 0, 0);
  // Zero is the near-white middle; the two ends are dark blue and dark red.
  EXPECT_EQ(viewers::colormap_at(ColormapName::kRdBu, 0.5), (Rgba{0xf7, 0xf7, 0xf7, 255}));
  expect_colour(viewers::map_value(-4, style), 0x05, 0x30, 0x61);
  expect_colour(viewers::map_value(4, style), 0x67, 0x00, 0x1f);
  const auto distance = [](const Rgba& a, const Rgba& b) {
    return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b);
  };
  const Rgba middle = viewers::colormap_at(ColormapName::kRdBu, 0.5);
  double last_positive = 0, last_negative = 0;
  for (double v : {0.5, 1.0, 2.0, 3.0, 4.0}) {
    const Rgba positive = viewers::map_value(v, style);
    const Rgba negative = viewers::map_value(-v, style);
    EXPECT_GT(positive.r, positive.b) << v;  // red side
    EXPECT_GT(negative.b, negative.r) << v;  // blue side
    // Equal magnitudes move equally far from the middle, to within the
    // asymmetry of ColorBrewer's two hues.
    const double dp = distance(positive, middle), dn = distance(negative, middle);
    EXPECT_NEAR(dp, dn, 0.35 * std::max(dp, dn)) << v;
    EXPECT_GT(dp, last_positive);
    EXPECT_GT(dn, last_negative);
    last_positive = dp;
    last_negative = dn;
  }
}

TEST(Colormap, LabelsGoBothWays) {
  for (ColormapName name : viewers::all_colormaps()) {
    EXPECT_EQ(viewers::colormap_from_label(viewers::colormap_label(name)), name);
  }
  EXPECT_EQ(viewers::colormap_from_label("GRAY"), ColormapName::kGrey);
  EXPECT_EQ(viewers::colormap_from_label("rdbu"), ColormapName::kRdBu);
  EXPECT_FALSE(viewers::colormap_from_label("jet"));
}

TEST(Thresholds, HideSmallValuesOfEachSignSeparately) {
  const LayerStyle style = overlay(ColormapName::kRdBu, -10, 10, 2.0, 3.0);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> values{0, 1.9f, 2, 5, -2.9f, -3, -6, nan, 1e-6f};
  const std::vector<int> alpha{0, 0, 255, 255, 0, 255, 255, 0, 0};
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(viewers::map_value(values[i], style).a, alpha[i]) << values[i];
  }
  std::vector<uint8_t> rgba(values.size() * 4);
  viewers::map_values(values, style, rgba);
  for (size_t i = 0; i < values.size(); ++i) {
    const Rgba one = viewers::map_value(values[i], style);
    EXPECT_EQ(rgba[i * 4 + 3], one.a) << values[i];
    if (one.a != 0) {
      EXPECT_NEAR(rgba[i * 4 + 0], one.r, 1) << values[i];
    }
  }
}

TEST(Thresholds, DoNotMoveTheDisplayRange) {
  // A threshold of 4 hides 0..4 but 4.5 keeps the colour of 4.5 in [0, 10].
  const LayerStyle style = overlay(ColormapName::kHot, 0, 10, 4, 4);
  EXPECT_EQ(viewers::map_value(3.9, style).a, 0);
  const Rgba shown = viewers::map_value(4.5, style);
  EXPECT_EQ(shown.a, 255);
  expect_colour(shown, viewers::colormap_at(ColormapName::kHot, 0.45).r,
                viewers::colormap_at(ColormapName::kHot, 0.45).g,
                viewers::colormap_at(ColormapName::kHot, 0.45).b);
}

TEST(Thresholds, UnderlaysShowEveryFiniteValue) {
  LayerStyle style;  // no thresholds
  style.range = {0, 100};
  EXPECT_EQ(viewers::map_value(0, style).a, 255);
  EXPECT_EQ(viewers::map_value(-5, style).a, 255);
  EXPECT_EQ(viewers::map_value(std::nan(""), style).a, 0);
}

TEST(Colormap, OpacityBecomesAlpha) {
  LayerStyle style = overlay(ColormapName::kHot, 0, 1, 0, 0);
  style.opacity = 0.5;
  EXPECT_EQ(viewers::map_value(1, style).a, 128);
  style.opacity = 0;
  EXPECT_EQ(viewers::map_value(1, style).a, 0);
}

TEST(Colormap, ReversedRangeRunsTheMapBackwards) {
  const LayerStyle style = overlay(ColormapName::kCold, 0, -6, 0, 0);
  expect_colour(viewers::map_value(-6, style), 255, 255, 255);
  EXPECT_LT(viewers::map_value(-1, style).b, viewers::map_value(-3, style).b + 1);
}

TEST(RobustRange, IgnoresZerosAndOutliers) {
  std::vector<float> values(2000, 0.0f);
  for (int i = 0; i < 1000; ++i)
    values[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  values[1500] = 1e6f;
  const auto range = viewers::robust_range(values);
  EXPECT_NEAR(range.min, 21, 1.5);
  EXPECT_NEAR(range.max, 981, 1.5);
  const std::vector<float> empty(10, 0.0f);
  EXPECT_EQ(viewers::robust_range(empty).min, 0);
  EXPECT_EQ(viewers::robust_range(empty).max, 1);
  const std::vector<float> flat(10, 3.0f);
  EXPECT_GT(viewers::robust_range(flat).max, viewers::robust_range(flat).min);
}

TEST(DefaultOverlayStyle, FollowsTheSignsOfTheMap) {
  const std::vector<float> both{-2, 0, 5};
  const LayerStyle diverging = viewers::default_overlay_style(both);
  EXPECT_EQ(diverging.colormap, ColormapName::kRdBu);
  EXPECT_EQ(diverging.range.min, -5);
  EXPECT_EQ(diverging.range.max, 5);
  ASSERT_TRUE(diverging.thresholds);
  // 5 % of the largest magnitude on either side.
  EXPECT_DOUBLE_EQ(diverging.thresholds->positive, 0.25);
  EXPECT_DOUBLE_EQ(diverging.thresholds->negative, 0.25);
  ASSERT_TRUE(viewers::default_overlay_style(std::vector<float>{0, 1, 3}).thresholds);
  EXPECT_EQ(viewers::default_overlay_style(std::vector<float>{0, 1, 3}).thresholds->positive, 0);

  const std::vector<float> positive{0, 1, 3};
  EXPECT_EQ(viewers::default_overlay_style(positive).colormap, ColormapName::kHot);
  EXPECT_EQ(viewers::default_overlay_style(positive).range.max, 3);

  const std::vector<float> negative{0, -1, -4};
  const LayerStyle cold = viewers::default_overlay_style(negative);
  EXPECT_EQ(cold.colormap, ColormapName::kCold);
  EXPECT_EQ(cold.range.max, -4);  // brightest where most negative
}

TEST(ComposeSlice, OverlayCoversUnderlayOnlyWhereItShows) {
  LayerStyle grey;
  grey.range = {0, 100};
  const LayerStyle red = overlay(ColormapName::kRedYellow, 0, 10, 3, 3);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> under{50, 50, 50, nan};
  const std::vector<float> over{0, 2, 10, 10};
  const auto rgb = viewers::compose_slice(under, grey, over, red);
  ASSERT_EQ(rgb.size(), 12u);
  // Hidden overlay: the underlay's grey.
  EXPECT_NEAR(rgb[0], 128, 1);
  EXPECT_EQ(rgb[0], rgb[1]);
  EXPECT_NEAR(rgb[3], 128, 1);  // 2 < threshold 3
  // Shown overlay at full opacity: its own colour (yellow at the top).
  EXPECT_EQ(rgb[6], 255);
  EXPECT_EQ(rgb[7], 255);
  EXPECT_EQ(rgb[8], 0);
  // Outside the underlay the overlay still draws over the black background.
  EXPECT_EQ(rgb[9], 255);

  LayerStyle half = red;
  half.opacity = 0.5;
  const auto mixed = viewers::compose_slice(under, grey, over, half);
  EXPECT_NEAR(mixed[6], (255 + 128) / 2, 2);
  EXPECT_NEAR(mixed[8], 128 / 2, 2);

  const auto plain = viewers::compose_slice(under, grey, {}, red);
  EXPECT_EQ(plain[9], 0);  // background black
  EXPECT_THROW(viewers::compose_slice(under, grey, std::vector<float>{1}, red),
               std::invalid_argument);
}
