#pragma once
// The 3-D view in a Qt widget: dragging with the left button turns the head
// about its centre (as VTK's trackball camera does), the wheel zooms, and the
// keys L, R, A, P, S, I return the camera to the standard views.

#include "viewers/scene_widget.h"
#include "viewers/view3d.h"

namespace viewers {

class View3DWidget : public SceneHost<View3D> {
  Q_OBJECT

 public:
  explicit View3DWidget(QWidget* parent = nullptr);

  void reset_camera(CameraView from);

  // Degrees the camera turns per widget pixel dragged.
  static constexpr double kDegreesPerPixel = 0.4;

  QSize sizeHint() const override { return {640, 560}; }

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  QPointF last_drag_;
};

}  // namespace viewers
