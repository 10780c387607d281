// The lightbox: which depth each tile shows, a blob at a known z appearing in
// that tile only and where its x and y put it, the map from a display
// position back to the world, and a click in the widget moving the cursor.

#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "offscreen_scene.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "viewers/colorbar.h"
#include "viewers/lightbox_layout.h"
#include "viewers/lightbox_view.h"
#include "viewers/lightbox_widget.h"

using neuroseq_test::find_pixels;

namespace {

constexpr int kWidth = 800;
constexpr int kHeight = 480;
const neuroseq_test::Point kBlob{24, -16, 19};

// 3 x 4 tiles 12 mm apart centred on z = 13: z = -53, -41, ..., 19 (tile 6),
// ..., 79, all on the head's voxel centres (odd z from -59 to 59).
viewers::LightboxOptions twelve_mm_apart() {
  viewers::LightboxOptions options;
  options.rows = 3;
  options.columns = 4;
  options.step_mm = 12;
  options.z_range = std::array<double, 2>{13, 13};
  return options;
}

// The head in a shown 640 x 400 widget, tiles as twelve_mm_apart.
void show_twelve_mm_apart(viewers::LightboxWidget& widget) {
  widget.resize(640, 400);
  widget.set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume()));
  widget.view().set_options(twelve_mm_apart());
  widget.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&widget));
}

class LightboxRender : public neuroseq_test::OffscreenScene<viewers::LightboxView> {
 protected:
  LightboxRender() : OffscreenScene(kWidth, kHeight, neuroseq_test::Opening::kHead) {}
};

}  // namespace

TEST(LightboxLayout, DefaultDepthsSpreadOverTheUnderlayOnVoxelCentres) {
  const neuro::Volume head = neuroseq_test::head_volume();
  viewers::LightboxOptions options;
  options.rows = 2;
  options.columns = 3;
  const auto depths = viewers::lightbox_depths(head.grid(), options);
  ASSERT_EQ(depths.size(), 6u);
  // z from -59 to 59 in 2 mm voxels: 118 mm over 5 gaps is 23.6, floored to
  // 11 voxels (22 mm), centred on 0: -55 -33 -11 11 33 55.
  const double want[] = {-55, -33, -11, 11, 33, 55};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_NEAR(depths[i], want[i], 1e-9) << i;

  options.step_slices = 3;  // 6 mm
  const auto slices = viewers::lightbox_depths(head.grid(), options);
  EXPECT_NEAR(slices[1] - slices[0], 6, 1e-9);
  EXPECT_NEAR(slices[0] + slices[5], 0, 1e-9);  // centred on the middle

  // The head's ellipsoid reaches |z| < 50: voxel centres -49 .. 49.
  const auto brain = viewers::nonzero_z_range(head);
  ASSERT_TRUE(brain);
  EXPECT_NEAR((*brain)[0], -49, 1e-9);
  EXPECT_NEAR((*brain)[1], 49, 1e-9);

  options.rows = 0;
  EXPECT_THROW(viewers::lightbox_depths(head.grid(), options), std::invalid_argument);
  EXPECT_EQ(viewers::depth_label(18), "z = 18.0 mm");
  EXPECT_EQ(viewers::depth_label(-0.01), "z = 0.0 mm");
}

TEST_F(LightboxRender, TheBlobShowsInTheTileOfItsDepthAtItsPosition) {
  view_->set_options(twelve_mm_apart());
  view_->set_overlay(std::make_shared<neuro::Volume>(neuroseq_test::blob_volume(kBlob, 5, 5)),
                     neuroseq_test::orange_blob_style());
  const QImage image = renderer_->grab();
  const auto tiles = view_->tiles();
  ASSERT_EQ(tiles.size(), 12u);

  // Geometry from first principles: 4 columns over the width left of the bar,
  // 3 rows; one scale fitting the largest slice (120 x 144 mm) with 2 % free
  // on each side; the head's centre (0, 0) in the middle of every tile.
  const int tile_w = (kWidth - viewers::kColorbarPanelWidth) / 4;
  const int tile_h = kHeight / 3;
  const double mm_per_pixel = std::max(120.0 / tile_w, 144.0 / tile_h) * 1.04;
  for (size_t i = 0; i < tiles.size(); ++i) {
    SCOPED_TRACE("tile " + std::to_string(i));
    const double z = -53 + 12.0 * static_cast<double>(i);
    EXPECT_NEAR(tiles[i].z, z, 1e-9);
    EXPECT_EQ(view_->tile_caption(i), viewers::depth_label(z));
    const int column = static_cast<int>(i) % 4, row = static_cast<int>(i) / 4;
    const QRect area(column * tile_w, row * tile_h, tile_w, tile_h);  // image coordinates
    const auto blob = find_pixels(image, area, neuroseq_test::is_overlay_colour);
    if (view_->tile_caption(i) != "z = 19.0 mm") {
      EXPECT_EQ(blob.count, 0);
      continue;
    }
    // Neurological: +x (right) to the right; +y (anterior) up.
    const double centre_x = area.left() + tile_w / 2.0 + kBlob[0] / mm_per_pixel;
    const double centre_y = area.top() + tile_h / 2.0 - kBlob[1] / mm_per_pixel;
    const double radius_px = 5 / mm_per_pixel;
    EXPECT_GT(blob.count, 0.4 * 3.14159 * radius_px * radius_px);
    EXPECT_NEAR(blob.x, centre_x, 1.5);
    EXPECT_NEAR(blob.y, centre_y, 1.5);
  }
  // Tiles beyond the head (z = 67, 79) are black.
  const QRect last(3 * tile_w, 2 * tile_h, tile_w, tile_h - 20);  // above the caption
  EXPECT_EQ(find_pixels(image, last, [](QRgb p) { return qGray(p) > 10; }).count, 0);
  // The underlay is there in the tiles through the head (tile 4: z = -5).
  EXPECT_GT(find_pixels(image, QRect(0, tile_h, tile_w, tile_h), neuroseq_test::is_grey).count,
            500);
}

TEST_F(LightboxRender, ByDefaultTheTilesSpanTheBrain) {
  viewers::LightboxOptions options;
  options.rows = 2;
  options.columns = 4;
  view_->set_options(options);
  const auto tiles = view_->tiles();
  ASSERT_EQ(tiles.size(), 8u);
  // -49 .. 49 over 7 gaps: 14 mm, i.e. 7 voxels; centred on 0 and snapped to
  // the odd voxel centres.
  for (size_t i = 0; i < tiles.size(); ++i)
    EXPECT_NEAR(tiles[i].z, -49 + 14.0 * static_cast<double>(i), 1e-9) << i;
}

TEST_F(LightboxRender, DisplayPositionsMapToWorldPointsAndBack) {
  view_->set_options(twelve_mm_apart());
  const auto tiles = view_->tiles();
  ASSERT_EQ(tiles.size(), 12u);
  // The centre of a tile is the head's centre at the tile's depth.
  const auto& rect = tiles[3].frame.rect;
  const auto centre =
      view_->world_at_display(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
  ASSERT_TRUE(centre);
  EXPECT_NEAR((*centre)[0], 0, 1e-9);
  EXPECT_NEAR((*centre)[1], 0, 1e-9);
  EXPECT_NEAR((*centre)[2], -17, 1e-9);

  for (const viewers::WorldPoint& p :
       {viewers::WorldPoint{24, -16, 19}, viewers::WorldPoint{-40.5, 33, -53},
        viewers::WorldPoint{3, 60, 43}}) {
    const auto display = view_->display_of(p);
    ASSERT_TRUE(display);
    const auto back = view_->world_at_display((*display)[0], (*display)[1]);
    ASSERT_TRUE(back);
    for (size_t a = 0; a < 3; ++a)
      EXPECT_NEAR((*back)[a], p[a], 1e-9) << "axis " << a;
  }
  EXPECT_FALSE(view_->world_at_display(-5, 10));
}

TEST(LightboxWidgetTest, AClickMovesTheCursorToTheWorldPointUnderIt) {
  viewers::LightboxWidget widget;
  ASSERT_NO_FATAL_FAILURE(show_twelve_mm_apart(widget));
  QSignalSpy moved(&widget, &viewers::LightboxWidget::cursor_moved);
  const viewers::WorldPoint target{-20, 30, 19};
  const auto position = widget.widget_position_of(target);
  ASSERT_TRUE(position);
  QTest::mouseClick(&widget, Qt::LeftButton, {}, position->toPoint());
  ASSERT_EQ(moved.count(), 1);
  const auto args = moved.takeFirst();
  // Within one widget pixel of the target, on the tile's slice.
  const double pixel_mm = widget.view().tiles().front().frame.mm_per_pixel;
  EXPECT_NEAR(args[0].toDouble(), target[0], pixel_mm);
  EXPECT_NEAR(args[1].toDouble(), target[1], pixel_mm);
  EXPECT_NEAR(args[2].toDouble(), 19, 1e-9);
}

// Half notches (as touchpads send) add up: nothing moves until a whole notch
// is in, then every tile moves by the 12 mm between two tiles.
TEST(LightboxWidgetTest, AWholeWheelNotchMovesEveryTileByOneTileGap) {
  viewers::LightboxWidget widget;
  ASSERT_NO_FATAL_FAILURE(show_twelve_mm_apart(widget));
  const QPointF centre(320, 200);
  const auto turn = [&](int eighths) {
    QWheelEvent wheel(centre, widget.mapToGlobal(centre), QPoint(), QPoint(0, eighths),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(&widget, &wheel);
  };
  turn(60);
  EXPECT_EQ(widget.view().z_range(), (std::array<double, 2>{13, 13}));
  turn(60);
  EXPECT_EQ(widget.view().z_range(), (std::array<double, 2>{25, 25}));
  EXPECT_NEAR(widget.view().tiles()[6].z, 19 + 12, 1e-9);
  turn(-240);
  EXPECT_EQ(widget.view().z_range(), (std::array<double, 2>{1, 1}));
}
