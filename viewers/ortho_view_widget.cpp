#include "viewers/ortho_view_widget.h"

namespace viewers {

OrthoViewWidget::OrthoViewWidget(QWidget* parent) : SceneHost(parent) {
  setMinimumSize(300, 120);
}

QPointF OrthoViewWidget::widget_position_of(Plane plane, const WorldPoint& world) const {
  const auto display = view().display_of(plane, world);
  return to_widget(display[0], display[1]);
}

void OrthoViewWidget::wheelEvent(QWheelEvent* event) {
  const int steps = wheel_notches(event);
  const QPointF display = to_display(event->position());
  if (steps != 0 && view().step_slice_at_display(display.x(), display.y(), steps)) {
    request_render();
    announce_cursor();
  }
  event->accept();
}

}  // namespace viewers
