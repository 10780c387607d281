#pragma once
// The render window a scene draws in, seen from the scene: the scene's
// renderers go in when it is made and come out when it goes, and the scene is
// brought up to date whenever the window starts a render, so any host (a Qt
// widget, an offscreen renderer) only has to render the window. Shared by the
// views' implementations; not part of the public headers, which keep VTK out.

#include <array>
#include <functional>
#include <vector>

#include <vtkNew.h>

class vtkCallbackCommand;
class vtkRenderWindow;
class vtkRenderer;

namespace viewers {

class SceneWindow {
 public:
  // Throws std::invalid_argument naming `scene` when `window` is null;
  // `window` must outlive this. `on_render_start` runs at the start of every
  // render of the window.
  SceneWindow(vtkRenderWindow* window, const char* scene, std::function<void()> on_render_start);
  ~SceneWindow();
  SceneWindow(const SceneWindow&) = delete;
  SceneWindow& operator=(const SceneWindow&) = delete;

  vtkRenderWindow* window() const { return window_; }
  // Adds `renderer` to the window until this goes.
  void add(vtkRenderer* renderer);
  // The window's size in device pixels; a window not yet shown reports 0 x 0
  // and counts as 300 x 300, so that layouts never divide by zero.
  std::array<int, 2> size() const;
  void render();

 private:
  vtkRenderWindow* window_;
  std::function<void()> on_render_start_;
  vtkNew<vtkCallbackCommand> on_start_;
  unsigned long observer_ = 0;
  std::vector<vtkRenderer*> renderers_;
};

}  // namespace viewers
