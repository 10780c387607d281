#include "viewers/vtk_opengl_widget.h"

#include <QOpenGLContext>
#include <QOpenGLFunctions>

#include <vtkGenericOpenGLRenderWindow.h>

#include "viewers/gl_bridge.h"

namespace viewers {

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent)
    : QOpenGLWidget(parent), window_(make_qt_render_window()) {
  // VTK redraws the whole frame every time.
  setUpdateBehavior(QOpenGLWidget::NoPartialUpdate);
  setFocusPolicy(Qt::StrongFocus);
  // `resized` also fires when the widget moves to a screen of another pixel
  // ratio, which resizeGL does not report.
  connect(this, &QOpenGLWidget::resized, this, &VtkOpenGLWidget::update_size);
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
  // QOpenGLWidget deletes the context after this destructor has run.
  if (context()) disconnect(context(), nullptr, this, nullptr);
  makeCurrent();
  release_bridge();
  doneCurrent();
}

vtkRenderWindow* VtkOpenGLWidget::render_window() const {
  return window_;
}

QSurfaceFormat VtkOpenGLWidget::default_format() {
  return vtk_surface_format();
}

void VtkOpenGLWidget::request_render() {
  if (bridge_) bridge_->mark_stale();
  update();
}

QPointF VtkOpenGLWidget::to_display(const QPointF& widget_position) const {
  const double ratio = devicePixelRatioF();
  return {widget_position.x() * ratio, (height() - widget_position.y()) * ratio};
}

QPointF VtkOpenGLWidget::to_widget(double display_x, double display_y) const {
  const double ratio = devicePixelRatioF();
  return {display_x / ratio, height() - display_y / ratio};
}

void VtkOpenGLWidget::initializeGL() {
  // A widget moved to another top-level window gets a new context: drop what
  // VTK built in the old one first.
  release_bridge();
  bridge_ =
      std::make_unique<GlBridge>(window_, context(), context()->surface(), [this] { update(); });
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this,
          &VtkOpenGLWidget::context_about_to_go,
          static_cast<Qt::ConnectionType>(Qt::UniqueConnection | Qt::DirectConnection));
  update_size();
}

void VtkOpenGLWidget::update_size() {
  if (!bridge_) return;
  const double ratio = devicePixelRatioF();
  bridge_->resize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio), ratio);
}

void VtkOpenGLWidget::paintGL() {
  if (!bridge_) {
    QOpenGLFunctions* f = context()->functions();
    f->glClearColor(0, 0, 0, 1);
    f->glClear(GL_COLOR_BUFFER_BIT);
    return;
  }
  const double ratio = devicePixelRatioF();
  bridge_->render_into(defaultFramebufferObject(), static_cast<int>(width() * ratio),
                       static_cast<int>(height() * ratio));
}

void VtkOpenGLWidget::release_bridge() {
  bridge_.reset();
}

void VtkOpenGLWidget::context_about_to_go() {
  makeCurrent();
  release_bridge();
}

}  // namespace viewers
