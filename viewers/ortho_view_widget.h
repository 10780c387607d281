#pragma once
// The three orthogonal views in a Qt widget: a click or a drag puts the cursor
// under the mouse, the wheel moves through the slices of the view under it.

#include <memory>

#include "viewers/ortho_view.h"
#include "viewers/vtk_opengl_widget.h"

namespace viewers {

class OrthoViewWidget : public VtkOpenGLWidget {
  Q_OBJECT

 public:
  explicit OrthoViewWidget(QWidget* parent = nullptr);
  ~OrthoViewWidget() override;

  // Change the scene through view(), then call refresh() to show it.
  OrthoView& view() { return *view_; }
  const OrthoView& view() const { return *view_; }
  void refresh() { request_render(); }

  // Moves the cursor, repaints, and emits cursor_moved.
  void set_cursor(const WorldPoint& world);
  // Widget coordinates of a world point in the view of `plane`.
  QPointF widget_position_of(Plane plane, const WorldPoint& world) const;

  QSize sizeHint() const override { return {960, 360}; }

 signals:
  void cursor_moved(double x, double y, double z);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  void cursor_to(const QPointF& widget_position);

  std::unique_ptr<OrthoView> view_;
  int wheel_remainder_ = 0;
};

}  // namespace viewers
