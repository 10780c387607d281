#include "viewers/scene_widget.h"

namespace viewers {

SceneWidget::SceneWidget(QWidget* parent) : VtkOpenGLWidget(parent) {}

SceneWidget::~SceneWidget() = default;

int SceneWidget::wheel_notches(const QWheelEvent* event) {
  wheel_remainder_ += event->angleDelta().y();
  const int notches = wheel_remainder_ / 120;
  wheel_remainder_ -= notches * 120;
  return notches;
}

}  // namespace viewers
