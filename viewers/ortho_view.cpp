#include "viewers/ortho_view.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCommand.h>
#include <vtkCoordinate.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "viewers/colorbar_actors.h"
#include "viewers/slice_image.h"

namespace viewers {
namespace {

constexpr std::array<Plane, 3> kPlanes{Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
// The camera looks down on the slice (z = 0) from here; the crosshair floats
// just above the slice so that it is never hidden by it.
constexpr double kCameraHeight = 500;
constexpr double kCrosshairHeight = 1;
constexpr double kOrthoMargin = 0.04;

bool same_layout(const SliceLayout& a, const SliceLayout& b) {
  return a.plane == b.plane && a.width == b.width && a.height == b.height && a.origin == b.origin &&
         a.step_x == b.step_x && a.step_y == b.step_y;
}

void style_text(vtkTextActor* actor, int font_size, double x, double y, int horizontal,
                int vertical) {
  vtkTextProperty* text = actor->GetTextProperty();
  text->SetFontSize(font_size);
  text->SetColor(0.95, 0.95, 0.6);
  text->BoldOn();
  text->ShadowOn();
  text->SetJustification(horizontal);
  text->SetVerticalJustification(vertical);
  actor->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  actor->SetPosition(x, y);
}

std::string depth_caption(Plane plane, const WorldPoint& cursor) {
  static constexpr const char* kAxis[] = {"x", "y", "z"};
  const int axis = plane == Plane::kAxial ? 2 : plane == Plane::kCoronal ? 1 : 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s = %.1f mm", kAxis[axis],
                cursor[static_cast<size_t>(axis)]);
  return buffer;
}

}  // namespace

// The VTK objects of one view and the slice values they were last built from.
struct ViewParts {
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> image_actor;
  vtkNew<vtkPoints> crosshair_points;
  vtkNew<vtkPolyData> crosshair;
  vtkNew<vtkPolyDataMapper> crosshair_mapper;
  vtkNew<vtkActor> crosshair_actor;
  std::array<vtkNew<vtkTextActor>, 4> edges;  // left, right, bottom, top
  vtkNew<vtkTextActor> depth;
  vtkNew<vtkActor2D> divider;  // the line between this view and the one to its left

  std::optional<SliceLayout> layout;
  std::vector<float> underlay_values;
  std::vector<float> overlay_values;
  bool values_stale = true;
  bool colours_stale = true;

  ViewParts() {
    renderer->SetBackground(0, 0, 0);
    renderer->InteractiveOff();
    image_actor->GetMapper()->SetInputData(image);
    image_actor->InterpolateOff();
    // RGB bytes pass through unchanged with this window and level.
    image_actor->GetProperty()->SetColorWindow(255);
    image_actor->GetProperty()->SetColorLevel(127.5);
    renderer->AddActor(image_actor);

    crosshair_points->SetNumberOfPoints(4);
    vtkNew<vtkCellArray> lines;
    const vtkIdType horizontal[2] = {0, 1};
    const vtkIdType vertical[2] = {2, 3};
    lines->InsertNextCell(2, horizontal);
    lines->InsertNextCell(2, vertical);
    crosshair->SetPoints(crosshair_points);
    crosshair->SetLines(lines);
    crosshair_mapper->SetInputData(crosshair);
    crosshair_actor->SetMapper(crosshair_mapper);
    crosshair_actor->GetProperty()->SetColor(0.2, 1.0, 0.2);
    crosshair_actor->GetProperty()->LightingOff();
    crosshair_actor->GetProperty()->SetLineWidth(1);
    crosshair_actor->PickableOff();
    renderer->AddActor(crosshair_actor);

    style_text(edges[0], 16, 0.03, 0.5, VTK_TEXT_LEFT, VTK_TEXT_CENTERED);
    style_text(edges[1], 16, 0.97, 0.5, VTK_TEXT_RIGHT, VTK_TEXT_CENTERED);
    style_text(edges[2], 16, 0.5, 0.015, VTK_TEXT_CENTERED, VTK_TEXT_BOTTOM);
    style_text(edges[3], 16, 0.5, 0.985, VTK_TEXT_CENTERED, VTK_TEXT_TOP);
    style_text(depth, 12, 0.015, 0.015, VTK_TEXT_LEFT, VTK_TEXT_BOTTOM);
    for (auto& edge : edges)
      renderer->AddViewProp(edge);
    renderer->AddViewProp(depth);

    // Without it the right-hand letter of one view runs into the left-hand
    // letter of the next.
    vtkNew<vtkPoints> ends;
    // In viewport pixels: one column in from the edge, taller than any screen.
    ends->InsertNextPoint(0.5, 0, 0);
    ends->InsertNextPoint(0.5, 1e5, 0);
    vtkNew<vtkCellArray> segment;
    const vtkIdType both[2] = {0, 1};
    segment->InsertNextCell(2, both);
    vtkNew<vtkPolyData> line;
    line->SetPoints(ends);
    line->SetLines(segment);
    vtkNew<vtkCoordinate> viewport_units;
    viewport_units->SetCoordinateSystemToViewport();
    vtkNew<vtkPolyDataMapper2D> line_mapper;
    line_mapper->SetInputData(line);
    line_mapper->SetTransformCoordinate(viewport_units);
    divider->SetMapper(line_mapper);
    divider->GetProperty()->SetColor(0.35, 0.35, 0.35);
    divider->VisibilityOff();
    renderer->AddViewProp(divider);

    vtkCamera* camera = renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    camera->SetViewUp(0, 1, 0);
  }

  void set_visible(bool visible) {
    image_actor->SetVisibility(visible);
    crosshair_actor->SetVisibility(visible);
    for (auto& edge : edges)
      edge->SetVisibility(visible);
    depth->SetVisibility(visible);
    divider->SetVisibility(visible);
  }

  void upload(const SliceLayout& slice, const std::vector<uint8_t>& rgb) {
    int dims[3];
    image->GetDimensions(dims);
    if (dims[0] != slice.width || dims[1] != slice.height ||
        image->GetNumberOfScalarComponents() != 3 ||
        image->GetPointData()->GetScalars() == nullptr) {
      image->SetDimensions(slice.width, slice.height, 1);
      image->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    }
    image->SetOrigin(0, 0, 0);
    image->SetSpacing(slice.pixel_width(), slice.pixel_height(), 1);
    std::memcpy(image->GetScalarPointer(), rgb.data(), rgb.size());
    image->Modified();
  }

  void place_crosshair(const SliceLayout& slice, const WorldPoint& cursor) {
    const auto [c, r] = slice.pixel_of(cursor);
    const double pw = slice.pixel_width(), ph = slice.pixel_height();
    const double u = c * pw, v = r * ph;
    const double u0 = -pw / 2, u1 = (slice.width - 0.5) * pw;
    const double v0 = -ph / 2, v1 = (slice.height - 0.5) * ph;
    crosshair_points->SetPoint(0, u0, v, kCrosshairHeight);
    crosshair_points->SetPoint(1, u1, v, kCrosshairHeight);
    crosshair_points->SetPoint(2, u, v0, kCrosshairHeight);
    crosshair_points->SetPoint(3, u, v1, kCrosshairHeight);
    crosshair_points->Modified();
    crosshair->Modified();
  }

  void place_camera(const ViewFrame& frame, const int window_size[2]) {
    renderer->SetViewport(static_cast<double>(frame.rect.x) / window_size[0],
                          static_cast<double>(frame.rect.y) / window_size[1],
                          static_cast<double>(frame.rect.x + frame.rect.width) / window_size[0],
                          static_cast<double>(frame.rect.y + frame.rect.height) / window_size[1]);
    vtkCamera* camera = renderer->GetActiveCamera();
    camera->SetFocalPoint(frame.center_u, frame.center_v, 0);
    camera->SetPosition(frame.center_u, frame.center_v, kCameraHeight);
    camera->SetViewUp(0, 1, 0);
    camera->SetParallelScale(frame.parallel_scale());
    camera->SetClippingRange(kCameraHeight / 2, kCameraHeight * 2);
  }
};

struct OrthoView::Scene {
  vtkRenderWindow* window = nullptr;
  std::array<ViewParts, 3> views;
  std::unique_ptr<ColorbarActors> colorbar;
  vtkNew<vtkCallbackCommand> on_start;
  unsigned long observer = 0;
};

OrthoView::OrthoView(vtkRenderWindow* window) : scene_(std::make_unique<Scene>()) {
  if (!window) throw std::invalid_argument("OrthoView: no render window");
  scene_->window = window;
  for (auto& view : scene_->views) {
    window->AddRenderer(view.renderer);
    view.set_visible(false);
  }
  scene_->colorbar = std::make_unique<ColorbarActors>(window);
  scene_->on_start->SetClientData(this);
  scene_->on_start->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
    static_cast<OrthoView*>(self)->refresh();
  });
  scene_->observer = window->AddObserver(vtkCommand::StartEvent, scene_->on_start);
}

OrthoView::~OrthoView() {
  scene_->window->RemoveObserver(scene_->observer);
  for (auto& view : scene_->views)
    scene_->window->RemoveRenderer(view.renderer);
  scene_->colorbar.reset();
}

void OrthoView::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  if (!volume || volume->voxels_per_frame() <= 0 || volume->frames() <= 0) {
    throw std::invalid_argument((volume ? volume->source() : std::string("underlay")) +
                                ": the image has no voxels");
  }
  underlay_ = std::move(volume);
  underlay_style_ = LayerStyle{};
  underlay_style_.range = robust_range(underlay_->frame(0));
  const auto bounds = world_bounds(underlay_->grid());
  for (size_t a = 0; a < 3; ++a)
    cursor_[a] = (bounds[a][0] + bounds[a][1]) / 2;
  mark_all_dirty();
}

const neuro::Volume* OrthoView::underlay() const {
  return underlay_.get();
}

void OrthoView::set_underlay_style(const LayerStyle& style) {
  underlay_style_ = style;
  for (auto& view : scene_->views)
    view.colours_stale = true;
}

const LayerStyle& OrthoView::underlay_style() const {
  return underlay_style_;
}

void OrthoView::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                            std::optional<LayerStyle> style) {
  if (!volume || volume->voxels_per_frame() <= 0 || volume->frames() <= 0) {
    throw std::invalid_argument((volume ? volume->source() : std::string("overlay")) +
                                ": the image has no voxels");
  }
  overlay_ = std::move(volume);
  overlay_style_ = style ? *style : default_overlay_style(overlay_->frame(0));
  mark_all_dirty();
}

void OrthoView::clear_overlay() {
  overlay_.reset();
  mark_all_dirty();
}

const neuro::Volume* OrthoView::overlay() const {
  return overlay_.get();
}

void OrthoView::set_overlay_style(const LayerStyle& style) {
  overlay_style_ = style;
  for (auto& view : scene_->views)
    view.colours_stale = true;
}

const LayerStyle& OrthoView::overlay_style() const {
  return overlay_style_;
}

void OrthoView::set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas) {
  atlas_ = std::move(atlas);
}

const neuro::LabelAtlas* OrthoView::atlas() const {
  return atlas_.get();
}

void OrthoView::set_frame(int64_t frame) {
  if (frame == frame_) return;
  frame_ = std::max<int64_t>(frame, 0);
  mark_all_dirty();
}

int64_t OrthoView::frame() const {
  return frame_;
}

void OrthoView::set_convention(Convention convention) {
  convention_ = convention;
  mark_all_dirty();
}

Convention OrthoView::convention() const {
  return convention_;
}

void OrthoView::set_crosshair_visible(bool visible) {
  crosshair_visible_ = visible;
}

bool OrthoView::crosshair_visible() const {
  return crosshair_visible_;
}

void OrthoView::set_colorbar_visible(bool visible) {
  colorbar_visible_ = visible;
}

bool OrthoView::colorbar_shown() const {
  return colorbar_visible_ && overlay_ != nullptr;
}

std::optional<ViewRect> OrthoView::colorbar_rect() const {
  if (!colorbar_shown()) return std::nullopt;
  const int* size = scene_->window->GetSize();
  return colorbar_strip_rect(size[0] > 0 ? size[0] : 300, size[1] > 0 ? size[1] : 300);
}

void OrthoView::set_cursor(const WorldPoint& world) {
  WorldPoint clamped = world;
  clamp_to_underlay(clamped);
  cursor_ = clamped;
}

void OrthoView::set_cursor_to_voxel(const std::array<int64_t, 3>& voxel) {
  if (!underlay_) throw std::out_of_range("no image to put the cursor in");
  const auto& dims = underlay_->dims();
  for (size_t a = 0; a < 3; ++a) {
    if (voxel[a] < 0 || voxel[a] >= dims[a]) {
      throw std::out_of_range(underlay_->source() + ": voxel " + std::to_string(voxel[0]) + " " +
                              std::to_string(voxel[1]) + " " + std::to_string(voxel[2]) +
                              " is outside the image (" + std::to_string(dims[0]) + " x " +
                              std::to_string(dims[1]) + " x " + std::to_string(dims[2]) + ")");
    }
  }
  cursor_ = underlay_->affine().to_world(double(voxel[0]), double(voxel[1]), double(voxel[2]));
}

const WorldPoint& OrthoView::cursor() const {
  return cursor_;
}

CursorReadout OrthoView::readout() const {
  return read_cursor(cursor_, underlay_.get(), overlay_.get(), atlas_.get(), frame_);
}

std::array<ViewFrame, 3> OrthoView::frames() const {
  std::array<SliceLayout, 3> slices;
  if (underlay_) {
    for (size_t i = 0; i < 3; ++i) {
      slices[i] = layout_slice(underlay_->grid(), kPlanes[i], cursor_, convention_);
    }
  }
  const int* size = scene_->window->GetSize();
  const int width = size[0] > 0 ? size[0] : 300;
  const int height = size[1] > 0 ? size[1] : 300;
  return ortho_frames(width, height, slices, kOrthoMargin,
                      colorbar_shown() ? kColorbarPanelWidth : 0);
}

std::array<double, 2> OrthoView::display_of(Plane plane, const WorldPoint& world) const {
  return frames()[static_cast<size_t>(plane)].display_of(world);
}

std::optional<WorldPoint> OrthoView::world_at_display(double x, double y) const {
  if (!underlay_) return std::nullopt;
  const auto all = frames();
  const int index = frame_at(all, x, y);
  if (index < 0) return std::nullopt;
  return all[static_cast<size_t>(index)].world_of_display(x, y);
}

bool OrthoView::step_slice_at_display(double x, double y, int steps) {
  if (!underlay_) return false;
  const auto all = frames();
  const int index = frame_at(all, x, y);
  if (index < 0) return false;
  const int axis = all[static_cast<size_t>(index)].slice.normal_axis();
  WorldPoint moved = cursor_;
  moved[static_cast<size_t>(axis)] += steps * spacing_along(underlay_->affine(), axis);
  set_cursor(moved);
  return true;
}

void OrthoView::render() {
  scene_->window->Render();
}

void OrthoView::clamp_to_underlay(WorldPoint& world) const {
  if (!underlay_) return;
  const auto bounds = world_bounds(underlay_->grid());
  for (size_t a = 0; a < 3; ++a)
    world[a] = std::clamp(world[a], bounds[a][0], bounds[a][1]);
}

void OrthoView::mark_all_dirty() {
  for (auto& view : scene_->views) {
    view.values_stale = true;
    view.colours_stale = true;
  }
}

void OrthoView::refresh() {
  if (!underlay_) {
    for (auto& view : scene_->views)
      view.set_visible(false);
    scene_->colorbar->hide();
    return;
  }
  const int* size = scene_->window->GetSize();
  const int window_size[2] = {size[0] > 0 ? size[0] : 300, size[1] > 0 ? size[1] : 300};
  if (colorbar_shown()) {
    scene_->colorbar->show(overlay_style_, window_size[0], window_size[1]);
  } else {
    scene_->colorbar->hide();
  }
  const auto all = frames();
  for (size_t i = 0; i < 3; ++i) {
    ViewParts& view = scene_->views[i];
    const ViewFrame& frame = all[i];
    if (view.values_stale || !view.layout || !same_layout(*view.layout, frame.slice)) {
      view.layout = frame.slice;
      view.underlay_values =
          extract_slice(*underlay_, frame.slice, std::min(frame_, underlay_->frames() - 1));
      view.overlay_values.clear();
      if (overlay_) {
        // Linear sampling keeps a coarse statistics map from looking blocky
        // on a fine anatomical grid.
        view.overlay_values =
            extract_slice(*overlay_, frame.slice, std::min(frame_, overlay_->frames() - 1),
                          Interpolation::kLinear);
      }
      view.values_stale = false;
      view.colours_stale = true;
    }
    if (view.colours_stale) {
      view.upload(frame.slice, compose_slice(view.underlay_values, underlay_style_,
                                             view.overlay_values, overlay_style_));
      view.colours_stale = false;
    }
    view.set_visible(true);
    view.divider->SetVisibility(i > 0);
    view.crosshair_actor->SetVisibility(crosshair_visible_);
    view.place_crosshair(frame.slice, cursor_);
    view.place_camera(frame, window_size);
    const EdgeLabels labels = edge_labels(kPlanes[i], convention_);
    view.edges[0]->SetInput(labels.left.c_str());
    view.edges[1]->SetInput(labels.right.c_str());
    view.edges[2]->SetInput(labels.bottom.c_str());
    view.edges[3]->SetInput(labels.top.c_str());
    view.depth->SetInput(depth_caption(kPlanes[i], cursor_).c_str());
  }
}

}  // namespace viewers
