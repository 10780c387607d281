// The offscreen render path draws real pixels: the overlay blob appears where
// its world position projects, the underlay is grey, the letters are there,
// and an LAS file of the same head gives the very same picture.

#include <QImage>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "neuro/image/volume.h"
#include "offscreen_scene.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "temp_dir.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view.h"

namespace fs = std::filesystem;
using neuroseq_test::find_pixels;
using neuroseq_test::keep_screenshot;
using viewers::Plane;

namespace {

const neuroseq_test::Point kBlobCentre{24, -16, 18};
constexpr int kWidth = 900;
constexpr int kHeight = 320;

class OffscreenRender : public neuroseq_test::OffscreenScene<viewers::OrthoView> {
 protected:
  OffscreenRender() : OffscreenScene(kWidth, kHeight, neuroseq_test::Opening::kNothing) {}
};

}  // namespace

TEST_F(OffscreenRender, OverlayBlobIsDrawnWhereItsWorldPositionProjects) {
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume()));
  view_->set_overlay(std::make_shared<neuro::Volume>(neuroseq_test::blob_volume(kBlobCentre, 9, 5)),
                     neuroseq_test::orange_blob_style());
  view_->set_cursor(kBlobCentre);

  // Through a PNG file and back, as a report would use it.
  neuroseq_test::TempDir dir("offscreen");
  const fs::path png = dir / "ortho.png";
  viewers::save_png(renderer_->grab(), png);
  const QImage image(QString::fromStdString(png.string()));
  ASSERT_FALSE(image.isNull());
  keep_screenshot(image, "ortho_overlay.png");
  ASSERT_EQ(image.width(), kWidth);
  ASSERT_EQ(image.height(), kHeight);

  const QRect all = image.rect();
  const auto lit = find_pixels(image, all, [](QRgb p) { return qGray(p) > 20; });
  EXPECT_GT(lit.count, kWidth * kHeight / 5) << "the picture is (nearly) all black";
  const auto grey = find_pixels(image, all, neuroseq_test::is_grey);
  EXPECT_GT(grey.count, kWidth * kHeight / 6) << "no underlay";

  const auto frames = view_->frames();
  for (Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
    SCOPED_TRACE(viewers::plane_name(plane));
    const auto& frame = frames[static_cast<size_t>(plane)];
    const auto expected = view_->display_of(plane, kBlobCentre);
    const QRect area = neuroseq_test::image_rect(frame.rect.x, frame.rect.y, frame.rect.width,
                                                 frame.rect.height, image.height());
    const auto blob = find_pixels(image, area, neuroseq_test::is_overlay_colour);
    // A 9 mm disc at this scale covers pi * (9 / mm_per_pixel)^2 pixels,
    // less the crosshair drawn through it.
    const double radius_px = 9 / frame.mm_per_pixel;
    EXPECT_GT(blob.count, 0.5 * 3.14159 * radius_px * radius_px);
    EXPECT_LT(blob.count, 1.6 * 3.14159 * radius_px * radius_px);
    EXPECT_NEAR(blob.x, expected[0], 2.0);
    EXPECT_NEAR(blob.y, image.height() - expected[1], 2.0);
  }
}

TEST_F(OffscreenRender, EdgeLettersAndCrosshairAreDrawn) {
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume()));
  const QImage image = renderer_->grab();
  const auto frame = view_->frames()[0];
  // The "L" sits in the black margin left of the axial slice, half way up.
  const QRect letter(frame.rect.x, kHeight / 2 - 15, 25, 30);
  const auto text = find_pixels(image, letter, [](QRgb p) {
    return qRed(p) > 120 && qGreen(p) > 120 && qBlue(p) < qRed(p) - 30;
  });
  EXPECT_GT(text.count, 5);
  const auto cross = find_pixels(image, image.rect(), [](QRgb p) {
    return qGreen(p) > 200 && qRed(p) < 120 && qBlue(p) < 120;
  });
  EXPECT_GT(cross.count, 300);
}

TEST_F(OffscreenRender, RadiologicalConventionMirrorsTheAxialAndCoronalViews) {
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume()));
  view_->set_overlay(std::make_shared<neuro::Volume>(neuroseq_test::blob_volume(kBlobCentre, 9, 5)),
                     neuroseq_test::orange_blob_style());
  view_->set_cursor(kBlobCentre);
  const auto axial_centre_x = [&] {
    const auto frames = view_->frames();
    return frames[0].rect.x + frames[0].rect.width / 2.0;
  };
  const QImage neurological = renderer_->grab();
  view_->set_convention(viewers::Convention::kRadiological);
  const QImage radiological = renderer_->grab();
  keep_screenshot(radiological, "ortho_radiological.png");
  const auto frames = view_->frames();
  const auto& rect = frames[0].rect;
  const QRect axial = neuroseq_test::image_rect(rect.x, rect.y, rect.width, rect.height, kHeight);
  const auto right_side = find_pixels(neurological, axial, neuroseq_test::is_overlay_colour);
  const auto left_side = find_pixels(radiological, axial, neuroseq_test::is_overlay_colour);
  ASSERT_GT(right_side.count, 0);
  ASSERT_GT(left_side.count, 0);
  // The blob is 24 mm to the subject's right of the centre.
  EXPECT_GT(right_side.x, axial_centre_x() + 10);
  EXPECT_LT(left_side.x, axial_centre_x() - 10);
  EXPECT_NEAR(right_side.x - axial_centre_x(), axial_centre_x() - left_side.x, 2.0);
}

TEST_F(OffscreenRender, LasAndRasFilesOfOneHeadGiveTheSamePicture) {
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume(false)));
  view_->set_cursor({-30, 0, 0});
  const QImage ras = renderer_->grab();
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume(true)));
  view_->set_cursor({-30, 0, 0});
  const QImage las = renderer_->grab();
  EXPECT_TRUE(ras == las);
  // The bright sphere at x = -30 is left of centre in the neurological view.
  const auto frames = view_->frames();
  const auto& rect = frames[0].rect;
  const QRect axial = neuroseq_test::image_rect(rect.x, rect.y, rect.width, rect.height, kHeight);
  const auto bright = find_pixels(ras, axial, [](QRgb p) { return qGray(p) > 250; });
  ASSERT_GT(bright.count, 0);
  EXPECT_LT(bright.x, rect.x + rect.width / 2.0);
}

TEST_F(OffscreenRender, ResizingKeepsDrawing) {
  view_->set_underlay(std::make_shared<neuro::Volume>(neuroseq_test::head_volume()));
  renderer_->resize(600, 240);
  const QImage image = renderer_->grab();
  ASSERT_EQ(image.size(), QSize(600, 240));
  const auto grey = find_pixels(image, image.rect(), neuroseq_test::is_grey);
  EXPECT_GT(grey.count, 600 * 240 / 6);
}
