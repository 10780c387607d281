#pragma once
// The views rendered to a PNG without a window: for reports and batch runs
// (`neuroseq-gui FILE --screenshot out.png [--layout ortho|lightbox|3d]`).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "viewers/colormap.h"
#include "viewers/slice.h"

namespace gui {

// Which scene a screenshot shows: three orthogonal slices, a mosaic of axial
// slices, or the 3-D surfaces.
enum class ScreenshotLayout { kOrtho, kLightbox, k3d };
// "ortho", "lightbox", "3d".
std::string_view layout_name(ScreenshotLayout layout);
// The inverse of layout_name; nullopt for any other text.
std::optional<ScreenshotLayout> layout_from_name(std::string_view name);

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
  ScreenshotLayout layout = ScreenshotLayout::kOrtho;
  // The volume shown of 4-D images, clamped per image to the volumes it has;
  // one beyond every image's last volume is an error.
  int64_t frame = 0;
};

// Needs a QGuiApplication. Throws std::runtime_error whose message starts with
// the file at fault ("<path>: ...").
void render_screenshot(const ScreenshotRequest& request);

}  // namespace gui
