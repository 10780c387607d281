#pragma once
// The 3-D view in a Qt widget: dragging with the left button turns the head
// about its centre (as VTK's trackball camera does), the wheel zooms, and the
// keys L, R, A, P, S, I return the camera to the standard views.

#include <memory>

#include "viewers/view3d.h"
#include "viewers/vtk_opengl_widget.h"

namespace viewers {

class View3DWidget : public VtkOpenGLWidget {
  Q_OBJECT

 public:
  explicit View3DWidget(QWidget* parent = nullptr);
  ~View3DWidget() override;

  // Change the scene through view(), then call refresh() to show it.
  View3D& view() { return *view_; }
  const View3D& view() const { return *view_; }
  void refresh() { request_render(); }

  // The same calls as OrthoViewWidget's, for a host that drives both.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt);
  void set_overlay_style(const LayerStyle& style);
  // Moves the cursor's mark, repaints, and emits cursor_moved.
  void set_cursor(const WorldPoint& world);
  void reset_camera(CameraView view);

  // Degrees the camera turns per widget pixel dragged.
  static constexpr double kDegreesPerPixel = 0.4;

  QSize sizeHint() const override { return {640, 560}; }

 signals:
  void cursor_moved(double x, double y, double z);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  std::unique_ptr<View3D> view_;
  QPointF last_drag_;
};

}  // namespace viewers
