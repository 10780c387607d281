#include "viewers/colorbar_actors.h"

#include <vtkActor2D.h>
#include <vtkImageData.h>
#include <vtkImageMapper.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>

#include <array>
#include <cstring>

#include "viewers/text_labels.h"

namespace viewers {

struct ColorbarActors::Parts {
  vtkRenderWindow* window = nullptr;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> strip;
  vtkNew<vtkImageMapper> strip_mapper;
  vtkNew<vtkActor2D> strip_actor;
  std::array<vtkNew<vtkTextActor>, 3> labels;  // at most: bottom, zero, top
};

ColorbarActors::ColorbarActors(vtkRenderWindow* window) : parts_(std::make_unique<Parts>()) {
  parts_->window = window;
  Parts& p = *parts_;
  p.renderer->SetBackground(0, 0, 0);
  p.renderer->InteractiveOff();
  p.strip_mapper->SetInputData(p.strip);
  // RGB bytes pass through unchanged with this window and level.
  p.strip_mapper->SetColorWindow(255);
  p.strip_mapper->SetColorLevel(127.5);
  p.strip_actor->SetMapper(p.strip_mapper);
  p.renderer->AddViewProp(p.strip_actor);
  LabelLook tick_look;
  tick_look.colour = {0.9, 0.9, 0.9};
  tick_look.shadow = false;
  tick_look.vertical = VTK_TEXT_CENTERED;
  for (auto& label : p.labels) {
    set_look(label, tick_look);
    p.renderer->AddViewProp(label);
  }
  window->AddRenderer(p.renderer);
  hide();
}

ColorbarActors::~ColorbarActors() {
  parts_->window->RemoveRenderer(parts_->renderer);
}

void ColorbarActors::hide() {
  // A renderer without a viewport draws nothing, not even its background.
  parts_->renderer->DrawOff();
  parts_->strip_actor->VisibilityOff();
  for (auto& label : parts_->labels)
    label->VisibilityOff();
}

void ColorbarActors::show_or_hide(bool visible, const LayerStyle& style, int width, int height) {
  if (visible) {
    show(style, width, height);
  } else {
    hide();
  }
}

void ColorbarActors::show(const LayerStyle& style, int width, int height) {
  Parts& p = *parts_;
  const ViewRect strip = colorbar_strip_rect(width, height);
  const int panel_x = strip.x - 10;
  p.renderer->SetViewport(static_cast<double>(panel_x) / width, 0, 1, 1);
  p.renderer->DrawOn();

  p.strip->SetDimensions(strip.width, strip.height, 1);
  p.strip->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  const auto rgb = colorbar_strip(style, strip.width, strip.height);
  std::memcpy(p.strip->GetScalarPointer(), rgb.data(), rgb.size());
  p.strip->Modified();
  p.strip_actor->SetPosition(strip.x - panel_x, strip.y);
  p.strip_actor->VisibilityOn();

  const Colorbar bar = colorbar_of(style);
  for (size_t i = 0; i < p.labels.size(); ++i) {
    vtkTextActor* label = p.labels[i];
    if (i >= bar.ticks.size()) {
      label->VisibilityOff();
      continue;
    }
    const ColorbarTick& tick = bar.ticks[i];
    label->SetInput(tick.text.c_str());
    label->SetPosition(strip.x - panel_x + strip.width + 4, strip.y + tick.fraction * strip.height);
    label->VisibilityOn();
  }
}

}  // namespace viewers
