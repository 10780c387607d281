#include "app/gui/screenshot.h"

#include <QImage>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/jobs/resources.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "viewers/lightbox_view.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view.h"
#include "viewers/view3d.h"

namespace gui {
namespace {

// The scene of each layout, set up the same way.
template <typename View>
void show_layers(View& view, const ScreenshotRequest& request,
                 std::shared_ptr<const neuro::Volume> underlay,
                 std::shared_ptr<const neuro::Volume> overlay) {
  view.set_underlay(std::move(underlay));
  if (overlay) view.set_overlay(std::move(overlay), request.overlay_style);
  view.set_frame(request.frame);
  if (request.cursor) view.set_cursor(*request.cursor);
}

}  // namespace

std::string_view layout_name(ScreenshotLayout layout) {
  switch (layout) {
    case ScreenshotLayout::kOrtho:
      return "ortho";
    case ScreenshotLayout::kLightbox:
      return "lightbox";
    case ScreenshotLayout::k3d:
      return "3d";
  }
  return "ortho";
}

std::optional<ScreenshotLayout> layout_from_name(std::string_view name) {
  for (ScreenshotLayout layout :
       {ScreenshotLayout::kOrtho, ScreenshotLayout::kLightbox, ScreenshotLayout::k3d}) {
    if (name == layout_name(layout)) return layout;
  }
  return std::nullopt;
}

void render_screenshot(const ScreenshotRequest& request) {
  if (request.output.extension() != ".png") {
    throw std::runtime_error(request.output.string() + ": a screenshot is written as .png");
  }
  // Everything is read before any OpenGL work so that a bad file fails fast.
  auto underlay = std::make_shared<neuro::Volume>(neuro::read_volume(request.underlay));
  std::shared_ptr<neuro::Volume> overlay;
  if (request.overlay)
    overlay = std::make_shared<neuro::Volume>(neuro::read_volume(*request.overlay));
  std::shared_ptr<neuro::LabelAtlas> atlas;
  if (request.atlas) {
    neuro::AtlasOptions options;
    options.resources_dir = jobs::resources_dir();
    atlas = std::make_shared<neuro::LabelAtlas>(neuro::LabelAtlas::load(*request.atlas, options));
  }

  const int64_t volumes = std::max(underlay->frames(), overlay ? overlay->frames() : 0);
  if (request.frame < 0 || request.frame >= volumes) {
    throw std::runtime_error((overlay && overlay->frames() > underlay->frames()
                                  ? request.overlay->string()
                                  : request.underlay.string()) +
                             ": --frame " + std::to_string(request.frame) +
                             " is beyond its volumes 0.." + std::to_string(volumes - 1));
  }

  // The view goes before the renderer whose window it draws in.
  viewers::OffscreenRenderer renderer(request.width, request.height);
  QImage image;
  switch (request.layout) {
    case ScreenshotLayout::kOrtho: {
      viewers::OrthoView view(renderer.render_window());
      view.set_convention(request.convention);
      if (atlas) view.set_atlas(atlas);
      show_layers(view, request, underlay, overlay);
      image = renderer.grab();
      break;
    }
    case ScreenshotLayout::kLightbox: {
      viewers::LightboxView view(renderer.render_window());
      view.set_convention(request.convention);
      show_layers(view, request, underlay, overlay);
      image = renderer.grab();
      break;
    }
    case ScreenshotLayout::k3d: {
      viewers::View3D view(renderer.render_window());
      show_layers(view, request, underlay, overlay);
      // Seen from the left in the neurological convention, from the right in
      // the radiological one: the side a reader expects first.
      view.reset_camera(request.convention == viewers::Convention::kNeurological
                            ? viewers::CameraView::kLeft
                            : viewers::CameraView::kRight);
      image = renderer.grab();
      break;
    }
  }
  viewers::save_png(image, request.output);
}

}  // namespace gui
