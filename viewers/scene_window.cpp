#include "viewers/scene_window.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace viewers {

SceneWindow::SceneWindow(vtkRenderWindow* window, const char* scene,
                         std::function<void()> on_render_start)
    : window_(window), on_render_start_(std::move(on_render_start)) {
  if (!window_) throw std::invalid_argument(std::string(scene) + ": no render window");
  on_start_->SetClientData(this);
  on_start_->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
    static_cast<SceneWindow*>(self)->on_render_start_();
  });
  observer_ = window_->AddObserver(vtkCommand::StartEvent, on_start_);
}

SceneWindow::~SceneWindow() {
  window_->RemoveObserver(observer_);
  for (vtkRenderer* renderer : renderers_)
    window_->RemoveRenderer(renderer);
}

void SceneWindow::add(vtkRenderer* renderer) {
  window_->AddRenderer(renderer);
  renderers_.push_back(renderer);
}

std::array<int, 2> SceneWindow::size() const {
  const int* size = window_->GetSize();
  return {size[0] > 0 ? size[0] : 300, size[1] > 0 ? size[1] : 300};
}

void SceneWindow::render() {
  window_->Render();
}

}  // namespace viewers
