#include "viewers/view3d_widget.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <vtkGenericOpenGLRenderWindow.h>

#include <cmath>

namespace viewers {

View3DWidget::View3DWidget(QWidget* parent)
    : VtkOpenGLWidget(parent), view_(std::make_unique<View3D>(render_window())) {
  setMinimumSize(200, 200);
}

View3DWidget::~View3DWidget() {
  // The scene frees OpenGL objects as it leaves the render window.
  makeCurrent();
  view_.reset();
  doneCurrent();
}

void View3DWidget::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  view_->set_underlay(std::move(volume));
  request_render();
}

void View3DWidget::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                               std::optional<LayerStyle> style) {
  view_->set_overlay(std::move(volume), style);
  request_render();
}

void View3DWidget::set_overlay_style(const LayerStyle& style) {
  view_->set_overlay_style(style);
  request_render();
}

void View3DWidget::set_cursor(const WorldPoint& world) {
  view_->set_cursor(world);
  request_render();
  const WorldPoint& c = view_->cursor();
  emit cursor_moved(c[0], c[1], c[2]);
}

void View3DWidget::reset_camera(CameraView view) {
  view_->reset_camera(view);
  request_render();
}

void View3DWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    last_drag_ = event->position();
    event->accept();
    return;
  }
  VtkOpenGLWidget::mousePressEvent(event);
}

void View3DWidget::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) {
    const QPointF delta = event->position() - last_drag_;
    last_drag_ = event->position();
    // Dragging right turns the head to the right; dragging up tips it back.
    view_->rotate(-delta.x() * kDegreesPerPixel, delta.y() * kDegreesPerPixel);
    request_render();
    event->accept();
    return;
  }
  VtkOpenGLWidget::mouseMoveEvent(event);
}

void View3DWidget::wheelEvent(QWheelEvent* event) {
  // One notch (120) zooms by 10 %.
  view_->zoom(std::pow(1.1, event->angleDelta().y() / 120.0));
  request_render();
  event->accept();
}

void View3DWidget::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_L:
      reset_camera(CameraView::kLeft);
      break;
    case Qt::Key_R:
      reset_camera(CameraView::kRight);
      break;
    case Qt::Key_A:
      reset_camera(CameraView::kAnterior);
      break;
    case Qt::Key_P:
      reset_camera(CameraView::kPosterior);
      break;
    case Qt::Key_S:
      reset_camera(CameraView::kSuperior);
      break;
    case Qt::Key_I:
      reset_camera(CameraView::kInferior);
      break;
    default:
      VtkOpenGLWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

}  // namespace viewers
