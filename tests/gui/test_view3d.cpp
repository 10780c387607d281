// The 3-D view: overlay surfaces are drawn where their world position
// projects through the renderer's camera, warm for positive values and cool
// for negative ones, and vanish when the threshold passes their peak.

#include <QImage>

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "offscreen_scene.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "viewers/view3d.h"

using neuroseq_test::find_pixels;

namespace {

constexpr int kSize = 400;
const neuroseq_test::Point kPositive{24, -16, 18};
const neuroseq_test::Point kNegative{-26, 20, -10};

bool warm(QRgb p) {
  return qRed(p) > qBlue(p) + 60 && qRed(p) > qGreen(p) + 30;
}
bool cool(QRgb p) {
  return qBlue(p) > qRed(p) + 60;
}

// +5 in a 9 mm ball at kPositive, -4 in an 8 mm ball at kNegative.
std::shared_ptr<neuro::Volume> two_blobs() {
  auto map = std::make_shared<neuro::Volume>(neuroseq_test::blob_volume(kPositive, 9, 5));
  const neuro::Volume negative = neuroseq_test::blob_volume(kNegative, 8, -4);
  for (size_t i = 0; i < map->data().size(); ++i)
    map->data()[i] += negative.data()[i];
  return map;
}

viewers::LayerStyle thresholded(double threshold) {
  viewers::LayerStyle style;
  style.colormap = viewers::ColormapName::kRdBu;
  style.range = {-5, 5};
  style.thresholds = viewers::Thresholds{threshold, threshold};
  return style;
}

class View3DRender : public neuroseq_test::OffscreenScene<viewers::View3D> {
 protected:
  View3DRender() : OffscreenScene(kSize, kSize, neuroseq_test::Opening::kHead) {}
  // The image point of a world point, from the renderer's own transform.
  QPointF projected(const neuroseq_test::Point& world) {
    const auto display = view_->display_of(world);
    return {display[0], kSize - display[1]};
  }
};

}  // namespace

TEST_F(View3DRender, OverlaySurfacesAppearWhereTheirCentresProject) {
  view_->set_overlay(two_blobs(), thresholded(1));
  view_->reset_camera(viewers::CameraView::kSuperior);
  const QImage image = renderer_->grab();
  neuroseq_test::keep_screenshot(image, "view3d_superior.png");
  // The brain's grey surface fills a good part of the picture.
  const auto brain = find_pixels(image, image.rect(), [](QRgb p) {
    return std::abs(qRed(p) - qBlue(p)) < 12 && qGray(p) > 25;
  });
  EXPECT_GT(brain.count, kSize * kSize / 8);

  const QPointF positive = projected(kPositive);
  const QPointF negative = projected(kNegative);
  // Seen from above, +x (right) is to the right and +y (anterior) is up.
  EXPECT_GT(positive.x(), kSize / 2.0);
  EXPECT_LT(negative.x(), kSize / 2.0);
  const auto hot = find_pixels(image, image.rect(), warm);
  const auto cold = find_pixels(image, image.rect(), cool);
  ASSERT_GT(hot.count, 50);
  ASSERT_GT(cold.count, 50);
  // A ball's outline is centred on its centre's projection, within the
  // perspective's small shift.
  EXPECT_NEAR(hot.x, positive.x(), 3);
  EXPECT_NEAR(hot.y, positive.y(), 3);
  EXPECT_NEAR(cold.x, negative.x(), 3);
  EXPECT_NEAR(cold.y, negative.y(), 3);
}

TEST_F(View3DRender, AThresholdAboveThePeakRemovesTheSurface) {
  view_->set_overlay(two_blobs(), thresholded(1));
  view_->reset_camera(viewers::CameraView::kRight);
  const QImage before = renderer_->grab();
  const QPointF positive = projected(kPositive);
  const auto hot = find_pixels(before, before.rect(), warm);
  ASSERT_GT(hot.count, 50);
  EXPECT_NEAR(hot.x, positive.x(), 3);
  EXPECT_NEAR(hot.y, positive.y(), 3);

  // 4.5: above the negative ball's |peak| of 4, below the positive one's 5.
  view_->set_overlay_style(thresholded(4.5));
  const QImage between = renderer_->grab();
  EXPECT_GT(find_pixels(between, between.rect(), warm).count, 10);
  EXPECT_EQ(find_pixels(between, between.rect(), cool).count, 0);

  view_->set_overlay_style(thresholded(5.5));
  const QImage after = renderer_->grab();
  EXPECT_EQ(find_pixels(after, after.rect(), warm).count, 0);
  EXPECT_EQ(find_pixels(after, after.rect(), cool).count, 0);
}

TEST_F(View3DRender, RotatingHalfATurnSwapsLeftAndRight) {
  view_->set_overlay(two_blobs(), thresholded(1));
  view_->reset_camera(viewers::CameraView::kSuperior);
  // A point in the plane through the focal point (the head's centre, z = 0)
  // keeps its distance from the camera as it turns.
  const neuroseq_test::Point level{24, -16, 0};
  const QPointF before = projected(level);
  // Half a turn about the screen's vertical: now seen from below, anterior
  // still up, so left and right swap and nothing else moves.
  view_->rotate(180, 0);
  const QPointF after = projected(level);
  EXPECT_NEAR(after.x() - kSize / 2.0, -(before.x() - kSize / 2.0), 0.5);
  EXPECT_NEAR(after.y(), before.y(), 0.5);
  const QPointF blob = projected(kPositive);
  EXPECT_LT(blob.x(), kSize / 2.0 - 20);
  const QImage image = renderer_->grab();
  const auto hot = find_pixels(image, image.rect(), warm);
  ASSERT_GT(hot.count, 50);
  EXPECT_NEAR(hot.x, blob.x(), 3);
  EXPECT_NEAR(hot.y, blob.y(), 3);
}
