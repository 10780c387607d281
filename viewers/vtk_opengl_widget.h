#pragma once
// A QOpenGLWidget that shows a vtkGenericOpenGLRenderWindow, without VTK's
// Qt module (Debian builds that one for Qt 5). The render window draws with
// the widget's context through a GlBridge; mouse and keyboard stay with Qt.

#include <QOpenGLWidget>
#include <QSurfaceFormat>

#include <memory>

#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindow;

namespace viewers {

class GlBridge;

class VtkOpenGLWidget : public QOpenGLWidget {
  Q_OBJECT

 public:
  explicit VtkOpenGLWidget(QWidget* parent = nullptr);
  ~VtkOpenGLWidget() override;

  vtkRenderWindow* render_window() const;

  // The context format VTK needs (vtk_surface_format). Make it the default
  // with QSurfaceFormat::setDefaultFormat before the QApplication exists, so
  // that every widget's context has it.
  static QSurfaceFormat default_format();

  // Renders the VTK scene again at the next paint, and schedules that paint.
  void request_render();

  // Display coordinates as VTK counts them (device pixels, origin at the
  // bottom-left) of a position in widget coordinates, and back.
  QPointF to_display(const QPointF& widget_position) const;
  QPointF to_widget(double display_x, double display_y) const;

 protected:
  void initializeGL() override;
  void paintGL() override;

 private slots:
  void context_about_to_go();

 private:
  void update_size();
  void release_bridge();

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
  std::unique_ptr<GlBridge> bridge_;
};

}  // namespace viewers
