#pragma once
// neuroseq-gui [FILE] [--overlay MAP] [--atlas ATLAS] [--cursor X,Y,Z]
//              [--radiological] [--screenshot OUT.png] [--size WxH]
//              [--layout ortho|lightbox|3d] [--frame N] [--timeline TSV]
//              [--open FOLDER]

#include <QStringList>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "app/gui/screenshot.h"

#include "viewers/slice.h"

namespace gui {

struct GuiOptions {
  std::optional<std::filesystem::path> underlay;
  std::optional<std::filesystem::path> overlay;
  std::optional<std::filesystem::path> atlas;
  std::optional<viewers::WorldPoint> cursor;
  std::optional<std::filesystem::path> screenshot;
  int width = 1200;  // screenshot size in pixels
  int height = 420;
  bool radiological = false;
  ScreenshotLayout layout = ScreenshotLayout::kOrtho;
  int64_t frame = 0;                              // volume of a 4-D image
  std::optional<std::filesystem::path> timeline;  // the window only
  std::optional<std::filesystem::path> open;      // the window only
  bool help = false;
  bool version = false;
};

// `arguments` as QCoreApplication::arguments() gives them (program first).
// Throws std::invalid_argument with a one-line message for bad usage.
GuiOptions parse_command_line(const QStringList& arguments);

std::string usage_text();

// True when argv asks for a screenshot, the help or the version: no window
// opens, so the platform (offscreen without a display) must be chosen before
// the QApplication exists, and this looks at the raw arguments.
bool runs_without_window(int argc, char** argv);

// "12.5,-3,40" -> {12.5, -3, 40}; throws std::invalid_argument.
viewers::WorldPoint parse_point(const std::string& text);

}  // namespace gui
