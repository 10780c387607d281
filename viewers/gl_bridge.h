#pragma once
// Lets a vtkGenericOpenGLRenderWindow draw with an OpenGL context that Qt
// owns, for an on-screen QOpenGLWidget and for offscreen screenshots alike.
//
// VTK 9 renders into framebuffers of its own and, left to itself, copies the
// result to framebuffer 0 when a frame ends. Under Qt nothing is ever shown
// from framebuffer 0: a QOpenGLWidget paints into an FBO of Qt's, and so does
// an offscreen render. Copying there by default is why a naive bridge shows
// black. So VTK is told never to copy (NoBlit), and after each render the
// bridge blits VTK's display framebuffer into the framebuffer Qt will show,
// then forces alpha to 1 there: Mesa keeps the alpha VTK cleared to, and Qt
// composes a QOpenGLWidget with that alpha.

#include <QSurfaceFormat>

#include <functional>

#include <vtkSmartPointer.h>

class QOpenGLContext;
class QSurface;
class vtkGenericOpenGLRenderWindow;
class vtkObject;

namespace viewers {

// A render window prepared to live inside a Qt context: no context or window
// of its own, no copy to framebuffer 0, no multisampling (slices are images;
// software rendering pays for every sample), not ready until a bridge binds it.
vtkSmartPointer<vtkGenericOpenGLRenderWindow> make_qt_render_window();

// What VTK needs from a Qt context: OpenGL 3.2 core, 8-bit RGBA, a depth
// buffer, no multisampling (VTK renders into framebuffers of its own).
QSurfaceFormat vtk_surface_format();

class GlBridge {
 public:
  // Binds `window` to `context` drawing on `surface`; both must outlive the
  // bridge, and `context` must be current on `surface` now. `request_update`
  // is called when VTK finished a frame that was not asked for by render_into
  // (someone called Render() directly): the host should repaint.
  GlBridge(vtkGenericOpenGLRenderWindow* window, QOpenGLContext* context, QSurface* surface,
           std::function<void()> request_update);
  // Releases VTK's OpenGL resources: the context must be current.
  ~GlBridge();
  GlBridge(const GlBridge&) = delete;
  GlBridge& operator=(const GlBridge&) = delete;

  // The drawing size in device pixels (widget size times devicePixelRatio).
  void resize(int device_width, int device_height, double device_pixel_ratio = 1.0);
  // Asks the next render_into to render VTK's scene again, not only copy the
  // last frame.
  void mark_stale() { stale_ = true; }
  // Renders when stale, then copies VTK's frame into the framebuffer object
  // `target_fbo` (attachment 0) over width x height pixels. The context must
  // be current.
  void render_into(unsigned target_fbo, int width, int height);

 private:
  void on_window_event(vtkObject* caller, unsigned long event, void* data);
  bool is_current() const;

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
  QOpenGLContext* context_;
  QSurface* surface_;
  std::function<void()> request_update_;
  unsigned long observers_[3] = {0, 0, 0};
  bool stale_ = true;
  bool in_render_ = false;
};

}  // namespace viewers
