#pragma once
// neuroseq-gui [FILE] [--overlay MAP] [--atlas ATLAS] [--cursor X,Y,Z]
//              [--radiological] [--screenshot OUT.png] [--size WxH]

#include <QStringList>

#include <filesystem>
#include <optional>
#include <string>

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
  bool help = false;
  bool version = false;
};

// `arguments` as QCoreApplication::arguments() gives them (program first).
// Throws std::invalid_argument with a one-line message for bad usage.
GuiOptions parse_command_line(const QStringList& arguments);

std::string usage_text();

// True when argv asks for a screenshot: the platform must be chosen before
// the QApplication exists, so this looks at the raw arguments.
bool wants_screenshot(int argc, char** argv);

// "12.5,-3,40" -> {12.5, -3, 40}; throws std::invalid_argument.
viewers::WorldPoint parse_point(const std::string& text);

}  // namespace gui
