#pragma once
// The three views rendered to a PNG without a window: for reports and batch
// runs (`neuroseq-gui FILE --screenshot out.png`).

#include <filesystem>
#include <optional>

#include "viewers/colormap.h"
#include "viewers/slice.h"

namespace gui {

struct ScreenshotRequest {
  std::filesystem::path underlay;
  std::optional<std::filesystem::path> overlay;
  std::optional<std::filesystem::path> atlas;
  std::filesystem::path output;                      // .png
  std::optional<viewers::WorldPoint> cursor;         // default: the underlay's centre
  std::optional<viewers::LayerStyle> overlay_style;  // default: chosen from its values
  int width = 1200;
  int height = 420;
  viewers::Convention convention = viewers::Convention::kNeurological;
};

// Needs a QGuiApplication. Throws std::runtime_error whose message starts with
// the file at fault ("<path>: ...").
void render_screenshot(const ScreenshotRequest& request);

}  // namespace gui
