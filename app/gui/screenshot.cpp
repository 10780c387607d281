#include "app/gui/screenshot.h"

#include <memory>
#include <stdexcept>

#include "app/jobs/resources.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view.h"

namespace gui {

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

  // The view goes before the renderer whose window it draws in.
  viewers::OffscreenRenderer renderer(request.width, request.height);
  viewers::OrthoView view(renderer.render_window());
  view.set_convention(request.convention);
  view.set_underlay(underlay);
  if (overlay) view.set_overlay(overlay, request.overlay_style);
  if (atlas) view.set_atlas(atlas);
  if (request.cursor) view.set_cursor(*request.cursor);
  viewers::save_png(renderer.grab(), request.output);
}

}  // namespace gui
