#pragma once
// The lightbox in a Qt widget: a click or a drag puts the cursor on the world
// point under the mouse, the wheel moves every tile by one slice step.

#include <memory>

#include "viewers/lightbox_view.h"
#include "viewers/vtk_opengl_widget.h"

namespace viewers {

class LightboxWidget : public VtkOpenGLWidget {
  Q_OBJECT

 public:
  explicit LightboxWidget(QWidget* parent = nullptr);
  ~LightboxWidget() override;

  // Change the scene through view(), then call refresh() to show it.
  LightboxView& view() { return *view_; }
  const LightboxView& view() const { return *view_; }
  void refresh() { request_render(); }

  // The same calls as OrthoViewWidget's, for a host that drives both.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt);
  void set_overlay_style(const LayerStyle& style);
  // Moves the cursor, repaints, and emits cursor_moved.
  void set_cursor(const WorldPoint& world);
  // Widget coordinates of a world point in the tile nearest to it.
  std::optional<QPointF> widget_position_of(const WorldPoint& world) const;

  QSize sizeHint() const override { return {900, 560}; }

 signals:
  void cursor_moved(double x, double y, double z);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  void cursor_to(const QPointF& widget_position);

  std::unique_ptr<LightboxView> view_;
  int wheel_remainder_ = 0;
};

}  // namespace viewers
