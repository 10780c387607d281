#include "viewers/ortho_view_widget.h"

#include <QMouseEvent>
#include <QWheelEvent>

#include <vtkGenericOpenGLRenderWindow.h>

namespace viewers {

OrthoViewWidget::OrthoViewWidget(QWidget* parent)
    : VtkOpenGLWidget(parent), view_(std::make_unique<OrthoView>(render_window())) {
  setMinimumSize(300, 120);
}

OrthoViewWidget::~OrthoViewWidget() {
  // The scene frees OpenGL objects as it leaves the render window.
  makeCurrent();
  view_.reset();
  doneCurrent();
}

void OrthoViewWidget::set_cursor(const WorldPoint& world) {
  view_->set_cursor(world);
  request_render();
  const WorldPoint& c = view_->cursor();
  emit cursor_moved(c[0], c[1], c[2]);
}

QPointF OrthoViewWidget::widget_position_of(Plane plane, const WorldPoint& world) const {
  const auto display = view_->display_of(plane, world);
  return to_widget(display[0], display[1]);
}

void OrthoViewWidget::cursor_to(const QPointF& widget_position) {
  const QPointF display = to_display(widget_position);
  if (const auto world = view_->world_at_display(display.x(), display.y())) set_cursor(*world);
}

void OrthoViewWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    cursor_to(event->position());
    event->accept();
    return;
  }
  VtkOpenGLWidget::mousePressEvent(event);
}

void OrthoViewWidget::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) {
    cursor_to(event->position());
    event->accept();
    return;
  }
  VtkOpenGLWidget::mouseMoveEvent(event);
}

void OrthoViewWidget::wheelEvent(QWheelEvent* event) {
  // One notch is 120 eighths of a degree; touchpads send fractions of it.
  wheel_remainder_ += event->angleDelta().y();
  const int steps = wheel_remainder_ / 120;
  wheel_remainder_ -= steps * 120;
  const QPointF display = to_display(event->position());
  if (steps != 0 && view_->step_slice_at_display(display.x(), display.y(), steps)) {
    request_render();
    const WorldPoint& c = view_->cursor();
    emit cursor_moved(c[0], c[1], c[2]);
  }
  event->accept();
}

}  // namespace viewers
