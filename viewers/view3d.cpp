#include "viewers/view3d.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "viewers/cursor_lines.h"
#include "viewers/layers.h"
#include "viewers/scene_window.h"

namespace viewers {
namespace {

// Half the length of each arm of the cursor's cross, in mm.
constexpr double kCursorArmMm = 8;

// One frame of a volume in voxel index space (origin 0, spacing 1): the
// isosurface is found there and moved to the world through the affine, which
// may be oblique or mirrored.
void fill_image(vtkImageData* image, const neuro::Volume& volume, int64_t frame) {
  const auto& dims = volume.dims();
  image->SetDimensions(static_cast<int>(dims[0]), static_cast<int>(dims[1]),
                       static_cast<int>(dims[2]));
  image->SetOrigin(0, 0, 0);
  image->SetSpacing(1, 1, 1);
  image->AllocateScalars(VTK_FLOAT, 1);
  const auto values = volume.frame(std::clamp<int64_t>(frame, 0, volume.frames() - 1));
  std::memcpy(image->GetScalarPointer(), values.data(), values.size_bytes());
  image->Modified();
}

void set_affine(vtkTransform* transform, const neuro::Affine& affine) {
  vtkNew<vtkMatrix4x4> matrix;
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      matrix->SetElement(r, c, affine(r, c));
  transform->SetMatrix(matrix);
}

// An isosurface of an image in world space, drawn in one colour.
struct Surface {
  vtkNew<vtkFlyingEdges3D> contour;
  vtkNew<vtkTransform> transform;
  vtkNew<vtkTransformPolyDataFilter> to_world;
  vtkNew<vtkPolyDataMapper> mapper;
  vtkNew<vtkActor> actor;

  Surface(vtkImageData* image, const std::array<double, 3>& colour, double opacity) {
    contour->SetInputData(image);
    contour->ComputeNormalsOn();
    contour->ComputeScalarsOff();
    contour->SetNumberOfContours(1);
    to_world->SetInputConnection(contour->GetOutputPort());
    to_world->SetTransform(transform);
    mapper->SetInputConnection(to_world->GetOutputPort());
    mapper->ScalarVisibilityOff();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(colour[0], colour[1], colour[2]);
    actor->GetProperty()->SetOpacity(opacity);
    actor->GetProperty()->SetSpecular(0.2);
    actor->VisibilityOff();
  }
};

}  // namespace

struct View3D::Scene {
  SceneWindow window;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> underlay_image;
  vtkNew<vtkImageData> overlay_image;
  Surface brain{underlay_image, {0.8, 0.8, 0.8}, 0.25};
  Surface positive{overlay_image, kPositiveSurfaceColour, 1.0};
  Surface negative{overlay_image, kNegativeSurfaceColour, 1.0};
  std::optional<CursorLines> cursor_lines;  // made after the surfaces: drawn after them

  Scene(vtkRenderWindow* render_window, View3D* view)
      : window(render_window, "View3D", [view] { view->refresh(); }) {
    renderer->SetBackground(0, 0, 0);
    renderer->AddActor(positive.actor);
    renderer->AddActor(negative.actor);
    renderer->AddActor(brain.actor);
    cursor_lines.emplace(renderer, 3, 2.0);
    window.add(renderer);
  }
};

View3D::View3D(vtkRenderWindow* window) : scene_(std::make_unique<Scene>(window, this)) {}

View3D::~View3D() = default;

void View3D::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  require_voxels(volume, "underlay");
  underlay_ = std::move(volume);
  const DisplayRange range = robust_range(underlay_->frame(0));
  surface_threshold_ = range.min + 0.25 * (range.max - range.min);
  cursor_ = world_centre(underlay_->grid());
  underlay_stale_ = true;
  overlay_stale_ = true;
  reset_camera(CameraView::kLeft);
}

const neuro::Volume* View3D::underlay() const {
  return underlay_.get();
}

void View3D::set_surface_threshold(double value) {
  surface_threshold_ = value;
  underlay_stale_ = true;
}

double View3D::surface_threshold() const {
  return surface_threshold_;
}

void View3D::set_surface_opacity(double opacity) {
  scene_->brain.actor->GetProperty()->SetOpacity(std::clamp(opacity, 0.0, 1.0));
}

void View3D::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                         std::optional<LayerStyle> style) {
  require_voxels(volume, "overlay");
  overlay_ = std::move(volume);
  overlay_style_ = style ? *style : default_overlay_style(overlay_->frame(0));
  overlay_stale_ = true;
}

void View3D::clear_overlay() {
  overlay_.reset();
  overlay_stale_ = true;
}

const neuro::Volume* View3D::overlay() const {
  return overlay_.get();
}

void View3D::set_overlay_style(const LayerStyle& style) {
  overlay_style_ = style;
  overlay_stale_ = true;
}

const LayerStyle& View3D::overlay_style() const {
  return overlay_style_;
}

void View3D::set_frame(int64_t frame) {
  frame = std::max<int64_t>(frame, 0);
  if (frame == frame_) return;
  frame_ = frame;
  underlay_stale_ = true;
  overlay_stale_ = true;
}

int64_t View3D::frame() const {
  return frame_;
}

void View3D::set_cursor(const WorldPoint& world) {
  cursor_ = underlay_ ? clamp_to_bounds(underlay_->grid(), world) : world;
}

const WorldPoint& View3D::cursor() const {
  return cursor_;
}

void View3D::reset_camera(CameraView view) {
  vtkCamera* camera = scene_->renderer->GetActiveCamera();
  double centre[3] = {0, 0, 0};
  double box[6] = {-50, 50, -50, 50, -50, 50};
  if (underlay_) {
    const auto bounds = world_bounds(underlay_->grid());
    for (size_t a = 0; a < 3; ++a) {
      centre[a] = (bounds[a][0] + bounds[a][1]) / 2;
      box[2 * a] = bounds[a][0];
      box[2 * a + 1] = bounds[a][1];
    }
  }
  double direction[3] = {0, 0, 0};
  double up[3] = {0, 0, 1};
  switch (view) {
    case CameraView::kLeft:
      direction[0] = -1;
      break;
    case CameraView::kRight:
      direction[0] = 1;
      break;
    case CameraView::kAnterior:
      direction[1] = 1;
      break;
    case CameraView::kPosterior:
      direction[1] = -1;
      break;
    case CameraView::kSuperior:
      direction[2] = 1;
      up[1] = 1;
      up[2] = 0;
      break;
    case CameraView::kInferior:
      direction[2] = -1;
      up[1] = 1;
      up[2] = 0;
      break;
  }
  camera->ParallelProjectionOff();
  camera->SetFocalPoint(centre);
  camera->SetPosition(centre[0] + direction[0], centre[1] + direction[1], centre[2] + direction[2]);
  camera->SetViewUp(up);
  // Keeps the direction, moves back until the box's bounding sphere is in
  // sight; a head fills little of that sphere, so come a little closer.
  scene_->renderer->ResetCamera(box);
  camera->Zoom(1.3);
}

void View3D::rotate(double azimuth, double elevation) {
  vtkCamera* camera = scene_->renderer->GetActiveCamera();
  camera->Azimuth(azimuth);
  camera->Elevation(elevation);
  // Past the poles the up direction would flip without this.
  camera->OrthogonalizeViewUp();
}

void View3D::zoom(double factor) {
  if (factor > 0) scene_->renderer->GetActiveCamera()->Dolly(factor);
}

std::array<double, 2> View3D::display_of(const WorldPoint& world) {
  refresh();
  vtkRenderer* renderer = scene_->renderer;
  renderer->SetWorldPoint(world[0], world[1], world[2], 1.0);
  renderer->WorldToDisplay();
  const double* display = renderer->GetDisplayPoint();
  return {display[0], display[1]};
}

void View3D::render() {
  scene_->window.render();
}

void View3D::refresh() {
  Scene& scene = *scene_;
  if (!underlay_) {
    scene.brain.actor->VisibilityOff();
    scene.positive.actor->VisibilityOff();
    scene.negative.actor->VisibilityOff();
    scene.cursor_lines->set_visible(false);
    return;
  }
  if (underlay_stale_) {
    fill_image(scene.underlay_image, *underlay_, frame_);
    set_affine(scene.brain.transform, underlay_->affine());
    scene.brain.contour->SetValue(0, surface_threshold_);
    scene.brain.actor->VisibilityOn();
    underlay_stale_ = false;
  }
  if (overlay_stale_) {
    if (overlay_) {
      fill_image(scene.overlay_image, *overlay_, frame_);
      set_affine(scene.positive.transform, overlay_->affine());
      set_affine(scene.negative.transform, overlay_->affine());
      // Without thresholds any non-zero value shows: the surface is drawn a
      // hair above zero.
      const Thresholds t = overlay_style_.thresholds.value_or(Thresholds{});
      const double tiny = 1e-6;
      scene.positive.contour->SetValue(0, std::max(t.positive, tiny));
      scene.negative.contour->SetValue(0, -std::max(t.negative, tiny));
      const double opacity = std::clamp(overlay_style_.opacity, 0.0, 1.0);
      scene.positive.actor->GetProperty()->SetOpacity(opacity);
      scene.negative.actor->GetProperty()->SetOpacity(opacity);
      scene.positive.actor->SetVisibility(opacity > 0);
      scene.negative.actor->SetVisibility(opacity > 0);
    } else {
      scene.positive.actor->VisibilityOff();
      scene.negative.actor->VisibilityOff();
    }
    overlay_stale_ = false;
  }
  for (size_t axis = 0; axis < 3; ++axis) {
    WorldPoint from = cursor_, to = cursor_;
    from[axis] -= kCursorArmMm;
    to[axis] += kCursorArmMm;
    scene.cursor_lines->place(static_cast<int>(axis), from, to);
  }
  scene.cursor_lines->set_visible(true);
  scene.renderer->ResetCameraClippingRange();
}

}  // namespace viewers
