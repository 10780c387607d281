#include "viewers/view3d_widget.h"

#include <QKeyEvent>

#include <array>
#include <cmath>
#include <utility>

namespace viewers {

View3DWidget::View3DWidget(QWidget* parent) : SceneHost(parent) {
  setMinimumSize(200, 200);
}

void View3DWidget::reset_camera(CameraView from) {
  view().reset_camera(from);
  request_render();
}

void View3DWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    last_drag_ = event->position();
    event->accept();
    return;
  }
  SceneHost::mousePressEvent(event);
}

void View3DWidget::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) {
    const QPointF delta = event->position() - last_drag_;
    last_drag_ = event->position();
    // Dragging right turns the head to the right; dragging up tips it back.
    view().rotate(-delta.x() * kDegreesPerPixel, delta.y() * kDegreesPerPixel);
    request_render();
    event->accept();
    return;
  }
  SceneHost::mouseMoveEvent(event);
}

void View3DWidget::wheelEvent(QWheelEvent* event) {
  // One notch (120) zooms by 10 %.
  view().zoom(std::pow(1.1, event->angleDelta().y() / 120.0));
  request_render();
  event->accept();
}

void View3DWidget::keyPressEvent(QKeyEvent* event) {
  static constexpr std::array<std::pair<int, CameraView>, 6> kViewKeys{{
      {Qt::Key_L, CameraView::kLeft},
      {Qt::Key_R, CameraView::kRight},
      {Qt::Key_A, CameraView::kAnterior},
      {Qt::Key_P, CameraView::kPosterior},
      {Qt::Key_S, CameraView::kSuperior},
      {Qt::Key_I, CameraView::kInferior},
  }};
  for (const auto& [key, from] : kViewKeys) {
    if (event->key() == key) {
      reset_camera(from);
      event->accept();
      return;
    }
  }
  SceneHost::keyPressEvent(event);
}

}  // namespace viewers
