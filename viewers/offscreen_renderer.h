#pragma once
// Renders a VTK scene without showing a window, for screenshots, reports and
// batch runs: a Qt offscreen surface and context, a framebuffer object of
// Qt's, and the same GlBridge the on-screen widget uses. Needs a
// QGuiApplication and a platform that offers OpenGL 3.2 (an X display such as
// Xvfb with Mesa's llvmpipe will do).

#include <QImage>

#include <filesystem>
#include <memory>

#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindow;

namespace viewers {

class OffscreenRenderer {
 public:
  // Throws std::runtime_error with one line saying why when no suitable
  // OpenGL context can be made.
  OffscreenRenderer(int width, int height);
  ~OffscreenRenderer();
  OffscreenRenderer(const OffscreenRenderer&) = delete;
  OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;

  // Add renderers (an OrthoView) to this window.
  vtkRenderWindow* render_window() const;
  int width() const { return width_; }
  int height() const { return height_; }
  void resize(int width, int height);

  // Renders the scene and waits until OpenGL is done.
  void render();
  // render(), then the pixels: top row first, as image files store them.
  QImage grab();

 private:
  struct Context;
  std::unique_ptr<Context> gl_;
  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
  int width_ = 0;
  int height_ = 0;
};

// Writes `image` as PNG at `path` through a temporary beside it, so a failed
// write never leaves a half file. Throws std::runtime_error("<path>: ...").
void save_png(const QImage& image, const std::filesystem::path& path);

}  // namespace viewers
