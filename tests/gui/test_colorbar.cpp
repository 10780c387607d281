// The overlay's colour bar: its ticks and colours as numbers, and the strip
// as drawn by the orthogonal views, pixel by pixel against the colour map.

#include <QImage>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "offscreen_scene.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "viewers/colorbar.h"
#include "viewers/ortho_view.h"

using viewers::ColormapName;
using viewers::LayerStyle;

namespace {

constexpr int kWidth = 900;
constexpr int kHeight = 320;

LayerStyle style_of(ColormapName map, double min, double max) {
  LayerStyle style;
  style.colormap = map;
  style.range = {min, max};
  style.thresholds = viewers::Thresholds{1, 1};
  style.opacity = 0.5;  // neither thresholds nor opacity change the bar
  return style;
}

// The picture's pixel at display row `y` (origin bottom-left) and column `x`.
QRgb display_pixel(const QImage& image, int x, int y) {
  return image.pixel(x, image.height() - 1 - y);
}

void expect_colour(QRgb got, const viewers::Rgba& want, int tolerance, const char* where) {
  EXPECT_NEAR(qRed(got), want.r, tolerance) << where;
  EXPECT_NEAR(qGreen(got), want.g, tolerance) << where;
  EXPECT_NEAR(qBlue(got), want.b, tolerance) << where;
}

class ColorbarRender : public neuroseq_test::OffscreenScene<viewers::OrthoView> {
 protected:
  ColorbarRender() : OffscreenScene(kWidth, kHeight, neuroseq_test::Opening::kHead) {}
  void show_blob(const LayerStyle& style) {
    view_->set_overlay(
        std::make_shared<neuro::Volume>(neuroseq_test::blob_volume({24, -16, 18}, 9, 5)), style);
  }
};

}  // namespace

TEST(Colorbar, TicksMarkTheEndsAndZeroOfATwoSidedMap) {
  const auto bar = viewers::colorbar_of(style_of(ColormapName::kRdBu, -4, 6));
  ASSERT_EQ(bar.ticks.size(), 3u);
  EXPECT_EQ(bar.ticks[0].text, "-4");
  EXPECT_DOUBLE_EQ(bar.ticks[0].fraction, 0);
  EXPECT_EQ(bar.ticks[1].text, "0");
  EXPECT_DOUBLE_EQ(bar.ticks[1].fraction, 0.4);  // 4 of the 10 units up
  EXPECT_EQ(bar.ticks[2].text, "6");
  EXPECT_DOUBLE_EQ(bar.ticks[2].fraction, 1);

  const auto positive = viewers::colorbar_of(style_of(ColormapName::kHot, 0, 12.5));
  ASSERT_EQ(positive.ticks.size(), 2u);
  EXPECT_EQ(positive.ticks[0].text, "0");
  EXPECT_EQ(positive.ticks[1].text, "12.5");
}

TEST(Colorbar, AReversedRangeStillReadsUpwards) {
  // A negative map runs its colours from 0 (first colour) to -5 (last colour).
  const LayerStyle cold = style_of(ColormapName::kCold, 0, -5);
  const auto bar = viewers::colorbar_of(cold);
  EXPECT_EQ(bar.bottom_value, -5);
  EXPECT_EQ(bar.top_value, 0);
  EXPECT_EQ(viewers::colorbar_colour(cold, 0), viewers::colormap_at(ColormapName::kCold, 1));
  EXPECT_EQ(viewers::colorbar_colour(cold, 1), viewers::colormap_at(ColormapName::kCold, 0));
}

TEST(Colorbar, StripRowsFollowTheMapFromBottomToTop) {
  const LayerStyle hot = style_of(ColormapName::kHot, 0, 10);
  const int height = 64;
  const auto rgb = viewers::colorbar_strip(hot, 3, height);
  ASSERT_EQ(rgb.size(), 3u * 3u * height);
  for (int r = 0; r < height; ++r) {
    // Hot's definition: red rises over the first third, green over the second.
    const double t = (r + 0.5) / height;
    const double red = std::min(1.0, 3 * t);
    const double green = std::clamp(3 * t - 1, 0.0, 1.0);
    const double blue = std::clamp(3 * t - 2, 0.0, 1.0);
    const size_t at = static_cast<size_t>(r) * 3 * 3 + 3;  // the middle column
    EXPECT_NEAR(rgb[at + 0], 255 * red, 2) << "row " << r;
    EXPECT_NEAR(rgb[at + 1], 255 * green, 2) << "row " << r;
    EXPECT_NEAR(rgb[at + 2], 255 * blue, 2) << "row " << r;
  }
}

TEST_F(ColorbarRender, TheDrawnStripShowsTheColourMapOverTheDisplayRange) {
  const LayerStyle hot = style_of(ColormapName::kHot, 0, 10);
  show_blob(hot);
  ASSERT_TRUE(view_->colorbar_shown());
  const QImage image = renderer_->grab();
  const auto rect = view_->colorbar_rect();
  ASSERT_TRUE(rect);
  // The views leave the bar's panel free.
  const auto frames = view_->frames();
  EXPECT_LE(frames[2].rect.x + frames[2].rect.width, kWidth - viewers::kColorbarPanelWidth);

  const int x = rect->x + rect->width / 2;
  for (int r = 0; r < rect->height; ++r) {
    const double t = (r + 0.5) / rect->height;
    expect_colour(display_pixel(image, x, rect->y + r), viewers::colormap_at(ColormapName::kHot, t),
                  3, ("row " + std::to_string(r)).c_str());
  }
  // Top = the colour of the range's max, bottom = that of its min.
  expect_colour(display_pixel(image, x, rect->y + rect->height - 1),
                viewers::map_value(10, {ColormapName::kHot, {0, 10}, std::nullopt, 1}), 8, "top");
  expect_colour(display_pixel(image, x, rect->y),
                viewers::map_value(0, {ColormapName::kHot, {0, 10}, std::nullopt, 1}), 8, "bottom");
  // Outside the strip, left of it, the panel is black.
  EXPECT_EQ(qGray(display_pixel(image, rect->x - 4, rect->y + rect->height / 2)), 0);
}

TEST_F(ColorbarRender, ATwoSidedMapShowsBothBranchesAndItsLabels) {
  const LayerStyle rdbu = style_of(ColormapName::kRdBu, -5, 5);
  show_blob(rdbu);
  const QImage image = renderer_->grab();
  const auto rect = view_->colorbar_rect();
  ASSERT_TRUE(rect);
  const int x = rect->x + rect->width / 2;
  // The negative branch at the bottom is blue, the positive one at the top red.
  const QRgb low = display_pixel(image, x, rect->y + 2);
  const QRgb high = display_pixel(image, x, rect->y + rect->height - 3);
  EXPECT_GT(qBlue(low), qRed(low) + 40);
  EXPECT_GT(qRed(high), qBlue(high) + 40);
  expect_colour(display_pixel(image, x, rect->y + rect->height / 2),
                viewers::colormap_at(ColormapName::kRdBu, 0.5), 6, "middle");
  // Three labels (-5, 0, 5) in light text right of the strip.
  for (double fraction : {0.0, 0.5, 1.0}) {
    const int y = rect->y + static_cast<int>(fraction * rect->height);
    const QRect label =
        neuroseq_test::image_rect(rect->x + rect->width + 2, y - 8, 40, 16, kHeight);
    const auto text =
        neuroseq_test::find_pixels(image, label, [](QRgb p) { return qGray(p) > 120; });
    EXPECT_GT(text.count, 4) << "no label at fraction " << fraction;
  }
}

TEST_F(ColorbarRender, WithoutAnOverlayThereIsNoBar) {
  EXPECT_FALSE(view_->colorbar_shown());
  EXPECT_FALSE(view_->colorbar_rect());
  const auto frames = view_->frames();
  EXPECT_EQ(frames[2].rect.x + frames[2].rect.width, kWidth);

  show_blob(style_of(ColormapName::kHot, 0, 10));
  const auto rect = *view_->colorbar_rect();
  view_->clear_overlay();
  const QImage image = renderer_->grab();
  // Where the strip was, the hot colours are gone: no column of that rect
  // rises through red to yellow.
  const QRect area = neuroseq_test::image_rect(rect.x, rect.y, rect.width, rect.height, kHeight);
  const auto warm = neuroseq_test::find_pixels(
      image, area, [](QRgb p) { return qRed(p) > 150 && qBlue(p) < 60 && qRed(p) > qGreen(p); });
  EXPECT_LT(warm.count, area.width() * area.height() / 20);

  view_->set_colorbar_visible(false);
  show_blob(style_of(ColormapName::kHot, 0, 10));
  EXPECT_FALSE(view_->colorbar_rect());
}
