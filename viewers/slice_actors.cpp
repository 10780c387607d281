#include "viewers/slice_actors.h"

#include <vtkCamera.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkPointData.h>
#include <vtkRenderer.h>

#include <algorithm>
#include <cstring>

#include "viewers/slice_image.h"

namespace viewers {
namespace {

bool same_layout(const SliceLayout& a, const SliceLayout& b) {
  return a.plane == b.plane && a.width == b.width && a.height == b.height && a.origin == b.origin &&
         a.step_x == b.step_x && a.step_y == b.step_y;
}

}  // namespace

void prepare_flat_renderer(vtkRenderer* renderer) {
  renderer->SetBackground(0, 0, 0);
  renderer->InteractiveOff();
  vtkCamera* camera = renderer->GetActiveCamera();
  camera->ParallelProjectionOn();
  camera->SetViewUp(0, 1, 0);
}

void look_down_on(vtkRenderer* renderer, double u, double v, double half_height) {
  vtkCamera* camera = renderer->GetActiveCamera();
  camera->SetFocalPoint(u, v, 0);
  camera->SetPosition(u, v, kCameraHeight);
  camera->SetViewUp(0, 1, 0);
  camera->SetParallelScale(half_height);
  camera->SetClippingRange(kCameraHeight / 2, kCameraHeight * 2);
}

SliceActor::SliceActor(vtkRenderer* renderer) {
  actor_->GetMapper()->SetInputData(image_);
  actor_->InterpolateOff();
  // RGB bytes pass through unchanged with this window and level.
  actor_->GetProperty()->SetColorWindow(255);
  actor_->GetProperty()->SetColorLevel(127.5);
  renderer->AddActor(actor_);
}

SliceActor::~SliceActor() = default;

void SliceActor::remove_from(vtkRenderer* renderer) {
  renderer->RemoveActor(actor_);
}

void SliceActor::draw(const SliceLayout& slice, const Layers& layers) {
  if (values_revision_ != layers.values_revision() || !layout_ || !same_layout(*layout_, slice)) {
    layout_ = slice;
    const neuro::Volume& underlay = *layers.underlay();
    underlay_values_ =
        extract_slice(underlay, slice, std::min(layers.frame(), underlay.frames() - 1));
    overlay_values_.clear();
    if (const neuro::Volume* overlay = layers.overlay()) {
      // Linear sampling keeps a coarse statistics map from looking blocky on
      // a fine anatomical grid.
      overlay_values_ = extract_slice(
          *overlay, slice, std::min(layers.frame(), overlay->frames() - 1), Interpolation::kLinear);
    }
    values_revision_ = layers.values_revision();
    colours_revision_.reset();
  }
  if (colours_revision_ == layers.colours_revision()) return;
  const std::vector<uint8_t> rgb = compose_slice(underlay_values_, layers.underlay_style(),
                                                 overlay_values_, layers.overlay_style());
  int dims[3];
  image_->GetDimensions(dims);
  if (dims[0] != slice.width || dims[1] != slice.height ||
      image_->GetNumberOfScalarComponents() != 3 ||
      image_->GetPointData()->GetScalars() == nullptr) {
    image_->SetDimensions(slice.width, slice.height, 1);
    image_->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  }
  image_->SetOrigin(0, 0, 0);
  image_->SetSpacing(slice.pixel_width(), slice.pixel_height(), 1);
  std::memcpy(image_->GetScalarPointer(), rgb.data(), rgb.size());
  image_->Modified();
  colours_revision_ = layers.colours_revision();
}

void SliceActor::set_visible(bool visible) {
  actor_->SetVisibility(visible);
}

void SliceActor::set_position(double x, double y) {
  actor_->SetPosition(x, y, 0);
}

}  // namespace viewers
