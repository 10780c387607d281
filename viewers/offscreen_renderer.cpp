#include "viewers/offscreen_renderer.h"

#include <QGuiApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions>

#include <vtkGenericOpenGLRenderWindow.h>

#include <stdexcept>
#include <string>

#include "core/io/atomic_file.h"
#include "viewers/gl_bridge.h"

namespace viewers {

struct OffscreenRenderer::Context {
  QOffscreenSurface surface;
  QOpenGLContext context;
  std::unique_ptr<QOpenGLFramebufferObject> target;
  std::unique_ptr<GlBridge> bridge;

  void make_current() {
    if (!context.makeCurrent(&surface)) {
      throw std::runtime_error("offscreen rendering: the OpenGL context cannot be made current");
    }
  }
};

OffscreenRenderer::OffscreenRenderer(int width, int height)
    : gl_(std::make_unique<Context>()), window_(make_qt_render_window()) {
  if (QGuiApplication::instance() == nullptr) {
    throw std::runtime_error("offscreen rendering needs a QGuiApplication");
  }
  gl_->context.setFormat(vtk_surface_format());
  if (!gl_->context.create()) {
    throw std::runtime_error("offscreen rendering: no OpenGL context on platform '" +
                             QGuiApplication::platformName().toStdString() +
                             "' (an X display is needed; without one, run under xvfb-run)");
  }
  const QSurfaceFormat got = gl_->context.format();
  if (got.version() < qMakePair(3, 2)) {
    throw std::runtime_error("offscreen rendering: OpenGL 3.2 is needed, the display offers " +
                             std::to_string(got.majorVersion()) + "." +
                             std::to_string(got.minorVersion()));
  }
  gl_->surface.setFormat(got);
  gl_->surface.create();
  if (!gl_->surface.isValid()) {
    throw std::runtime_error("offscreen rendering: no offscreen surface on platform '" +
                             QGuiApplication::platformName().toStdString() + "'");
  }
  gl_->make_current();
  gl_->bridge = std::make_unique<GlBridge>(window_, &gl_->context, &gl_->surface, nullptr);
  resize(width, height);
}

OffscreenRenderer::~OffscreenRenderer() {
  if (gl_->context.makeCurrent(&gl_->surface)) {
    gl_->bridge.reset();
    gl_->target.reset();
    gl_->context.doneCurrent();
  }
}

vtkRenderWindow* OffscreenRenderer::render_window() const {
  return window_;
}

void OffscreenRenderer::resize(int width, int height) {
  if (width <= 0 || height <= 0) {
    throw std::invalid_argument("offscreen rendering: the image size must be positive, not " +
                                std::to_string(width) + "x" + std::to_string(height));
  }
  gl_->make_current();
  width_ = width;
  height_ = height;
  gl_->target = std::make_unique<QOpenGLFramebufferObject>(width, height);
  if (!gl_->target->isValid()) {
    throw std::runtime_error("offscreen rendering: no " + std::to_string(width) + "x" +
                             std::to_string(height) + " framebuffer");
  }
  gl_->bridge->resize(width, height);
}

void OffscreenRenderer::render() {
  gl_->make_current();
  gl_->bridge->mark_stale();
  gl_->bridge->render_into(gl_->target->handle(), width_, height_);
  gl_->context.functions()->glFinish();
}

QImage OffscreenRenderer::grab() {
  render();
  return gl_->target->toImage().convertToFormat(QImage::Format_RGB32);
}

void save_png(const QImage& image, const std::filesystem::path& path) {
  if (image.isNull()) throw std::runtime_error(path.string() + ": there is no image to write");
  core::write_atomically(path, [&](const std::filesystem::path& temporary) {
    if (!image.save(QString::fromStdString(temporary.string()), "PNG")) {
      throw std::runtime_error(path.string() + ": the PNG could not be written");
    }
  });
}

}  // namespace viewers
