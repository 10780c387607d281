#include "viewers/lightbox_widget.h"

#include <QMouseEvent>
#include <QWheelEvent>

#include <vtkGenericOpenGLRenderWindow.h>

#include <algorithm>

namespace viewers {

LightboxWidget::LightboxWidget(QWidget* parent)
    : VtkOpenGLWidget(parent), view_(std::make_unique<LightboxView>(render_window())) {
  setMinimumSize(300, 200);
}

LightboxWidget::~LightboxWidget() {
  // The scene frees OpenGL objects as it leaves the render window.
  makeCurrent();
  view_.reset();
  doneCurrent();
}

void LightboxWidget::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  view_->set_underlay(std::move(volume));
  request_render();
}

void LightboxWidget::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                                 std::optional<LayerStyle> style) {
  view_->set_overlay(std::move(volume), style);
  request_render();
}

void LightboxWidget::set_overlay_style(const LayerStyle& style) {
  view_->set_overlay_style(style);
  request_render();
}

void LightboxWidget::set_cursor(const WorldPoint& world) {
  view_->set_cursor(world);
  request_render();
  const WorldPoint& c = view_->cursor();
  emit cursor_moved(c[0], c[1], c[2]);
}

std::optional<QPointF> LightboxWidget::widget_position_of(const WorldPoint& world) const {
  const auto display = view_->display_of(world);
  if (!display) return std::nullopt;
  return to_widget((*display)[0], (*display)[1]);
}

void LightboxWidget::cursor_to(const QPointF& widget_position) {
  const QPointF display = to_display(widget_position);
  if (const auto world = view_->world_at_display(display.x(), display.y())) set_cursor(*world);
}

void LightboxWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    cursor_to(event->position());
    event->accept();
    return;
  }
  VtkOpenGLWidget::mousePressEvent(event);
}

void LightboxWidget::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) {
    cursor_to(event->position());
    event->accept();
    return;
  }
  VtkOpenGLWidget::mouseMoveEvent(event);
}

void LightboxWidget::wheelEvent(QWheelEvent* event) {
  // One notch is 120 eighths of a degree; touchpads send fractions of it.
  wheel_remainder_ += event->angleDelta().y();
  const int steps = wheel_remainder_ / 120;
  wheel_remainder_ -= steps * 120;
  if (steps != 0 && view_->underlay()) {
    // Every tile moves by the distance between two tiles' slices.
    const auto tiles = view_->tiles();
    const double gap =
        tiles.size() > 1 ? tiles[1].z - tiles[0].z : spacing_along(view_->underlay()->affine(), 2);
    LightboxOptions options = view_->options();
    const std::array<double, 2> range = view_->z_range();
    options.z_range = std::array<double, 2>{range[0] + steps * gap, range[1] + steps * gap};
    view_->set_options(options);
    request_render();
  }
  event->accept();
}

}  // namespace viewers
