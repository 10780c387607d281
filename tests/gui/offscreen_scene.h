#pragma once
// A view drawing in an offscreen window, as the scene tests set it up: the
// test is skipped (not failed) where no OpenGL context can be had, and the
// view goes before the window it draws in.

#include <QImage>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "neuro/image/volume.h"
#include "phantom.h"
#include "viewers/colormap.h"
#include "viewers/offscreen_renderer.h"

namespace neuroseq_test {

// What the view shows when the test starts.
enum class Opening { kNothing, kHead };

template <typename View>
class OffscreenScene : public ::testing::Test {
 protected:
  OffscreenScene(int width, int height, Opening opening)
      : width_(width), height_(height), opening_(opening) {}

  void SetUp() override {
    try {
      renderer_ = std::make_unique<viewers::OffscreenRenderer>(width_, height_);
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
    view_ = std::make_unique<View>(renderer_->render_window());
    if (opening_ == Opening::kHead) {
      view_->set_underlay(std::make_shared<neuro::Volume>(head_volume()));
    }
  }
  void TearDown() override {
    view_.reset();  // before the window it draws in
    renderer_.reset();
  }

  std::unique_ptr<viewers::OffscreenRenderer> renderer_;
  std::unique_ptr<View> view_;

 private:
  int width_;
  int height_;
  Opening opening_;
};

// Red-yellow over [0, 10], thresholded at 1: a blob_volume of value 5 is
// drawn orange (is_overlay_colour) and the zeros around it not at all.
inline viewers::LayerStyle orange_blob_style() {
  viewers::LayerStyle style;
  style.colormap = viewers::ColormapName::kRedYellow;
  style.range = {0, 10};
  style.thresholds = viewers::Thresholds{1, 1};
  return style;
}

// Keeps a copy of a picture for people to look at when asked to.
inline void keep_screenshot(const QImage& image, const std::string& name) {
  if (const char* dir = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS")) {
    viewers::save_png(image, std::filesystem::path(dir) / name);
  }
}

}  // namespace neuroseq_test
