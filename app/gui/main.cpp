// neuroseq-gui: the desktop viewer, and with --screenshot a batch renderer
// that writes the views (--layout ortho|lightbox|3d) to a PNG without opening
// a window.

#include <QApplication>
#include <QMessageBox>
#include <QSurfaceFormat>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/gui/command_line.h"
#include "app/gui/main_window.h"
#include "app/gui/screenshot.h"
#include "app/jobs/allocator_policy.h"
#include "viewers/vtk_opengl_widget.h"

namespace {

// Errors leave as one line, whatever the exception held.
int fail(const std::string& message, int code) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "neuroseq-gui: error: %s\n", line.c_str());
  return code;
}

// A batch run reports only its own result: Qt's notes about the session
// (XDG_RUNTIME_DIR and the like) would break the one-line contract.
void batch_messages(QtMsgType type, const QMessageLogContext&, const QString& message) {
  if (type == QtCriticalMsg || type == QtFatalMsg) {
    std::fprintf(stderr, "neuroseq-gui: %s\n", qPrintable(message));
  }
}

bool has_display() {
  const char* x = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x && *x) || (wayland && *wayland);
}

}  // namespace

int main(int argc, char** argv) {
  jobs::keep_freed_memory_for_reuse();
  // Without a display the default platform aborts before main can say why;
  // a screenshot (or the help) then uses the offscreen platform and reports
  // what it lacks.
  const bool batch = gui::runs_without_window(argc, argv);
  if (batch) qInstallMessageHandler(batch_messages);
  if (batch && !has_display() && !std::getenv("QT_QPA_PLATFORM")) {
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
  }
  QSurfaceFormat::setDefaultFormat(viewers::VtkOpenGLWidget::default_format());
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("NeuroSeq");
  QCoreApplication::setApplicationName("neuroseq-gui");
  QCoreApplication::setApplicationVersion(NEUROSEQ_VERSION);

  gui::GuiOptions options;
  try {
    options = gui::parse_command_line(QCoreApplication::arguments());
  } catch (const std::exception& e) {
    return fail(std::string(e.what()) + " (see --help)", 2);
  }
  if (options.help) {
    std::fputs(gui::usage_text().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("neuroseq-gui %s\n", NEUROSEQ_VERSION);
    return 0;
  }
  const auto convention = options.radiological ? viewers::Convention::kRadiological
                                               : viewers::Convention::kNeurological;

  if (options.screenshot) {
    gui::ScreenshotRequest request;
    request.underlay = *options.underlay;
    request.overlay = options.overlay;
    request.atlas = options.atlas;
    request.output = *options.screenshot;
    request.cursor = options.cursor;
    request.width = options.width;
    request.height = options.height;
    request.convention = convention;
    request.layout = options.layout;
    request.frame = options.frame;
    try {
      gui::render_screenshot(request);
    } catch (const std::exception& e) {
      return fail(e.what(), 1);
    }
    return 0;
  }

  gui::MainWindow window;
  window.show();
  if (options.radiological) window.set_radiological(true);
  try {
    if (options.underlay) window.load_underlay(*options.underlay);
    if (options.overlay) window.load_overlay(*options.overlay);
    if (options.atlas) window.load_atlas(*options.atlas);
    if (options.cursor) window.set_cursor(*options.cursor);
    if (options.frame > 0) window.set_volume(static_cast<int>(options.frame));
    if (options.timeline) window.load_decoded_timeline(*options.timeline);
    if (options.open) window.open_dataset(*options.open);
  } catch (const std::exception& e) {
    QMessageBox::warning(&window, "Cannot open the file", QString::fromStdString(e.what()));
  }
  return app.exec();
}
