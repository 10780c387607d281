#pragma once
// What the Qt widgets hosting a scene share: the scene made in the widget's
// render window and freed with the widget's OpenGL context current, the layer
// calls a host drives every view with, the cursor and the signal that reports
// it, a click or drag that puts the cursor on the world point under the mouse
// (in views that can name that point), and whole wheel notches.
//
// Qt's meta-object compiler takes no templates, so the signal lives in the
// QObject SceneWidget and the view-typed calls in the template SceneHost.

#include <QMouseEvent>
#include <QWheelEvent>

#include <concepts>
#include <memory>
#include <optional>
#include <utility>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/slice.h"
#include "viewers/vtk_opengl_widget.h"

namespace viewers {

class SceneWidget : public VtkOpenGLWidget {
  Q_OBJECT

 public:
  explicit SceneWidget(QWidget* parent = nullptr);
  ~SceneWidget() override;

 signals:
  void cursor_moved(double x, double y, double z);

 protected:
  // The whole notches (120 eighths of a degree each) turned up to this event;
  // touchpads send fractions of one, kept for the next event.
  int wheel_notches(const QWheelEvent* event);

 private:
  int wheel_remainder_ = 0;
};

// A view that can say which world point lies under a display position.
template <typename View>
concept LocatesWorldPoints = requires(const View& view, double x, double y) {
  { view.world_at_display(x, y) } -> std::same_as<std::optional<WorldPoint>>;
};

template <typename View>
class SceneHost : public SceneWidget {
 public:
  explicit SceneHost(QWidget* parent)
      : SceneWidget(parent), view_(std::make_unique<View>(render_window())) {}
  ~SceneHost() override {
    // The scene frees OpenGL objects as it leaves the render window.
    makeCurrent();
    view_.reset();
    doneCurrent();
  }

  // Change the scene through view(), then call refresh() to show it.
  View& view() { return *view_; }
  const View& view() const { return *view_; }
  void refresh() { request_render(); }

  // The same calls on every view, for a host that drives several.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume) {
    view_->set_underlay(std::move(volume));
    request_render();
  }
  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt) {
    view_->set_overlay(std::move(volume), style);
    request_render();
  }
  void set_overlay_style(const LayerStyle& style) {
    view_->set_overlay_style(style);
    request_render();
  }
  // Moves the cursor, repaints, and emits cursor_moved.
  void set_cursor(const WorldPoint& world) {
    view_->set_cursor(world);
    request_render();
    announce_cursor();
  }

 protected:
  // Emits cursor_moved with where the view put the cursor.
  void announce_cursor() {
    const WorldPoint& c = view_->cursor();
    emit cursor_moved(c[0], c[1], c[2]);
  }

  void mousePressEvent(QMouseEvent* event) override {
    if constexpr (LocatesWorldPoints<View>) {
      if (event->button() == Qt::LeftButton) {
        cursor_to(event->position());
        event->accept();
        return;
      }
    }
    SceneWidget::mousePressEvent(event);
  }

  void mouseMoveEvent(QMouseEvent* event) override {
    if constexpr (LocatesWorldPoints<View>) {
      if (event->buttons() & Qt::LeftButton) {
        cursor_to(event->position());
        event->accept();
        return;
      }
    }
    SceneWidget::mouseMoveEvent(event);
  }

 private:
  void cursor_to(const QPointF& widget_position) requires LocatesWorldPoints<View> {
    const QPointF display = to_display(widget_position);
    if (const auto world = view_->world_at_display(display.x(), display.y())) set_cursor(*world);
  }

  std::unique_ptr<View> view_;
};

}  // namespace viewers
