#include "app/gui/command_line.h"

#include <QCommandLineParser>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace gui {
namespace {

struct Parser {
  QCommandLineParser parser;
  QCommandLineOption overlay{"overlay", "Statistical map drawn over FILE.", "MAP"};
  QCommandLineOption atlas{"atlas", "Label atlas naming the region under the cursor.", "ATLAS"};
  QCommandLineOption cursor{"cursor", "Cursor position in world mm.", "X,Y,Z"};
  QCommandLineOption radiological{"radiological", "Show the subject's right on the left."};
  QCommandLineOption screenshot{"screenshot",
                                "Render the views to a PNG and exit; no window opens.", "OUT.png"};
  QCommandLineOption size{"size", "Screenshot size in pixels (default 1200x420).", "WxH"};
  QCommandLineOption layout{"layout",
                            "Screenshot layout: ortho (three slices, the default), lightbox "
                            "(a mosaic of axial slices) or 3d (surfaces).",
                            "ortho|lightbox|3d"};
  QCommandLineOption frame{"frame", "Volume of a 4-D image shown, from 0 (default 0).", "N"};
  QCommandLineOption timeline{
      "timeline", "Decoding results' *_timeline.tsv: the decoded state along the time series.",
      "TSV"};
  QCommandLineOption open{"open", "Dataset or results folder to browse.", "FOLDER"};
  QCommandLineOption help{{"h", "help"}, "Show this help."};
  QCommandLineOption version{"version", "Show the version."};

  Parser() {
    parser.setApplicationDescription(
        "NeuroSeq viewer: orthogonal slices, a lightbox or 3-D surfaces of a NIfTI image "
        "with an optional overlay.");
    parser.addPositionalArgument("FILE", "NIfTI image to open as the underlay.", "[FILE]");
    parser.addOptions({overlay, atlas, cursor, radiological, screenshot, size, layout, frame,
                       timeline, open, help, version});
  }
};

std::filesystem::path to_path(const QString& text) {
  return std::filesystem::path(text.toStdString());
}

}  // namespace

viewers::WorldPoint parse_point(const std::string& text) {
  viewers::WorldPoint point{};
  size_t start = 0;
  for (size_t axis = 0; axis < 3; ++axis) {
    const size_t comma = text.find(',', start);
    const bool last = axis == 2;
    if (last != (comma == std::string::npos)) {
      throw std::invalid_argument("expected three numbers X,Y,Z, got '" + text + "'");
    }
    const std::string part = text.substr(start, last ? std::string::npos : comma - start);
    try {
      size_t used = 0;
      point[axis] = std::stod(part, &used);
      if (used != part.size() || !std::isfinite(point[axis])) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      throw std::invalid_argument("expected three numbers X,Y,Z, got '" + text + "'");
    }
    start = comma + 1;
  }
  return point;
}

GuiOptions parse_command_line(const QStringList& arguments) {
  Parser p;
  if (!p.parser.parse(arguments)) throw std::invalid_argument(p.parser.errorText().toStdString());
  GuiOptions options;
  options.help = p.parser.isSet(p.help);
  options.version = p.parser.isSet(p.version);
  const QStringList files = p.parser.positionalArguments();
  if (files.size() > 1) {
    throw std::invalid_argument("one FILE at most, got " + std::to_string(files.size()) +
                                " (overlays go after --overlay)");
  }
  if (!files.empty()) options.underlay = to_path(files.front());
  if (p.parser.isSet(p.overlay)) options.overlay = to_path(p.parser.value(p.overlay));
  if (p.parser.isSet(p.atlas)) options.atlas = to_path(p.parser.value(p.atlas));
  if (p.parser.isSet(p.timeline)) options.timeline = to_path(p.parser.value(p.timeline));
  if (p.parser.isSet(p.open)) options.open = to_path(p.parser.value(p.open));
  if (p.parser.isSet(p.cursor)) {
    try {
      options.cursor = parse_point(p.parser.value(p.cursor).toStdString());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--cursor: ") + e.what() + " (world mm)");
    }
  }
  if (p.parser.isSet(p.screenshot)) options.screenshot = to_path(p.parser.value(p.screenshot));
  options.radiological = p.parser.isSet(p.radiological);
  if (p.parser.isSet(p.size)) {
    const QString text = p.parser.value(p.size);
    const QStringList parts = text.split('x');
    bool ok_w = false, ok_h = false;
    if (parts.size() == 2) {
      options.width = parts[0].toInt(&ok_w);
      options.height = parts[1].toInt(&ok_h);
    }
    if (!ok_w || !ok_h || options.width < 30 || options.height < 10 || options.width > 16384 ||
        options.height > 16384) {
      throw std::invalid_argument("--size: expected WxH in pixels such as 1200x420, got '" +
                                  text.toStdString() + "'");
    }
  }
  if (p.parser.isSet(p.layout)) {
    const QString text = p.parser.value(p.layout);
    const auto layout = layout_from_name(text.toStdString());
    if (!layout) {
      throw std::invalid_argument("--layout: expected ortho, lightbox or 3d, got '" +
                                  text.toStdString() + "'");
    }
    options.layout = *layout;
  }
  if (p.parser.isSet(p.frame)) {
    const QString text = p.parser.value(p.frame);
    bool ok = false;
    options.frame = text.toLongLong(&ok);
    if (!ok || options.frame < 0) {
      throw std::invalid_argument("--frame: expected a volume number from 0, got '" +
                                  text.toStdString() + "'");
    }
  }
  if (options.screenshot && !options.underlay && !options.help && !options.version) {
    throw std::invalid_argument("--screenshot needs a FILE to show");
  }
  if (options.overlay && !options.underlay) {
    throw std::invalid_argument("--overlay needs a FILE to draw it over");
  }
  return options;
}

std::string usage_text() {
  Parser p;
  return p.parser.helpText().toStdString();
}

bool runs_without_window(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--screenshot" || arg.starts_with("--screenshot=") || arg == "--help" ||
        arg == "-h" || arg == "--version")
      return true;
  }
  return false;
}

}  // namespace gui
