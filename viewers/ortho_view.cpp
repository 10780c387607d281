#include "viewers/ortho_view.h"

#include <vtkActor2D.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty2D.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "viewers/colorbar_actors.h"
#include "viewers/cursor_lines.h"
#include "viewers/scene_window.h"
#include "viewers/slice_actors.h"
#include "viewers/text_labels.h"

namespace viewers {
namespace {

constexpr std::array<Plane, 3> kPlanes{Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
constexpr double kOrthoMargin = 0.04;

// The letters at the edges of a view, placed in fractions of the view so
// that they stay at its edges.
LabelLook edge_letter(int horizontal, int vertical) {
  LabelLook look;
  look.font_size = 16;
  look.bold = true;
  look.horizontal = horizontal;
  look.vertical = vertical;
  look.units = LabelUnits::kViewportFraction;
  return look;
}

void place_label(vtkTextActor* label, const LabelLook& look, double x, double y) {
  set_look(label, look);
  label->SetPosition(x, y);
}

std::string depth_caption(Plane plane, const WorldPoint& cursor) {
  static constexpr const char* kAxis[] = {"x", "y", "z"};
  const int axis = plane == Plane::kAxial ? 2 : plane == Plane::kCoronal ? 1 : 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s = %.1f mm", kAxis[axis],
                cursor[static_cast<size_t>(axis)]);
  return buffer;
}

// A grey line one pixel column in from the left edge of a viewport.
void make_divider(vtkActor2D* divider) {
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
}

}  // namespace

// The VTK objects of one view.
struct ViewParts {
  vtkNew<vtkRenderer> renderer;
  SliceActor slice{renderer};
  CursorLines crosshair{renderer, 2, 1.0};
  std::array<vtkNew<vtkTextActor>, 4> edges;  // left, right, bottom, top
  vtkNew<vtkTextActor> depth;
  vtkNew<vtkActor2D> divider;  // the line between this view and the one to its left

  ViewParts() {
    prepare_flat_renderer(renderer);
    place_label(edges[0], edge_letter(VTK_TEXT_LEFT, VTK_TEXT_CENTERED), 0.03, 0.5);
    place_label(edges[1], edge_letter(VTK_TEXT_RIGHT, VTK_TEXT_CENTERED), 0.97, 0.5);
    place_label(edges[2], edge_letter(VTK_TEXT_CENTERED, VTK_TEXT_BOTTOM), 0.5, 0.015);
    place_label(edges[3], edge_letter(VTK_TEXT_CENTERED, VTK_TEXT_TOP), 0.5, 0.985);
    LabelLook caption = edge_letter(VTK_TEXT_LEFT, VTK_TEXT_BOTTOM);
    caption.font_size = 12;
    place_label(depth, caption, 0.015, 0.015);
    for (auto& edge : edges)
      renderer->AddViewProp(edge);
    renderer->AddViewProp(depth);
    // Without it the right-hand letter of one view runs into the left-hand
    // letter of the next.
    make_divider(divider);
    renderer->AddViewProp(divider);
  }

  void set_visible(bool visible) {
    slice.set_visible(visible);
    crosshair.set_visible(visible);
    for (auto& edge : edges)
      edge->SetVisibility(visible);
    depth->SetVisibility(visible);
    divider->SetVisibility(visible);
  }

  void place_crosshair(const SliceLayout& slice_layout, const WorldPoint& cursor) {
    const auto [c, r] = slice_layout.pixel_of(cursor);
    const double pw = slice_layout.pixel_width(), ph = slice_layout.pixel_height();
    const double u = c * pw, v = r * ph;
    const double u0 = -pw / 2, u1 = (slice_layout.width - 0.5) * pw;
    const double v0 = -ph / 2, v1 = (slice_layout.height - 0.5) * ph;
    crosshair.place(0, {u0, v, kCursorLineHeight}, {u1, v, kCursorLineHeight});
    crosshair.place(1, {u, v0, kCursorLineHeight}, {u, v1, kCursorLineHeight});
  }

  void place_camera(const ViewFrame& frame, const std::array<int, 2>& window_size) {
    renderer->SetViewport(static_cast<double>(frame.rect.x) / window_size[0],
                          static_cast<double>(frame.rect.y) / window_size[1],
                          static_cast<double>(frame.rect.x + frame.rect.width) / window_size[0],
                          static_cast<double>(frame.rect.y + frame.rect.height) / window_size[1]);
    look_down_on(renderer, frame.center_u, frame.center_v, frame.parallel_scale());
  }
};

struct OrthoView::Scene {
  SceneWindow window;
  std::array<ViewParts, 3> views;
  std::optional<ColorbarActors> colorbar;  // made after the views: drawn after them

  Scene(vtkRenderWindow* render_window, OrthoView* view)
      : window(render_window, "OrthoView", [view] { view->refresh(); }) {
    for (auto& parts : views) {
      window.add(parts.renderer);
      parts.set_visible(false);
    }
    colorbar.emplace(window.window());
  }
};

OrthoView::OrthoView(vtkRenderWindow* window) : scene_(std::make_unique<Scene>(window, this)) {}

OrthoView::~OrthoView() = default;

void OrthoView::set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas) {
  atlas_ = std::move(atlas);
}

const neuro::LabelAtlas* OrthoView::atlas() const {
  return atlas_.get();
}

void OrthoView::set_crosshair_visible(bool visible) {
  crosshair_visible_ = visible;
}

bool OrthoView::crosshair_visible() const {
  return crosshair_visible_;
}

std::optional<ViewRect> OrthoView::colorbar_rect() const {
  if (!colorbar_shown()) return std::nullopt;
  const auto size = scene_->window.size();
  return colorbar_strip_rect(size[0], size[1]);
}

void OrthoView::set_cursor_to_voxel(const std::array<int64_t, 3>& voxel) {
  const neuro::Volume* underlay = layers_.underlay();
  if (!underlay) throw std::out_of_range("no image to put the cursor in");
  const auto& dims = underlay->dims();
  for (size_t a = 0; a < 3; ++a) {
    if (voxel[a] < 0 || voxel[a] >= dims[a]) {
      throw std::out_of_range(underlay->source() + ": voxel " + std::to_string(voxel[0]) + " " +
                              std::to_string(voxel[1]) + " " + std::to_string(voxel[2]) +
                              " is outside the image (" + std::to_string(dims[0]) + " x " +
                              std::to_string(dims[1]) + " x " + std::to_string(dims[2]) + ")");
    }
  }
  cursor_ = underlay->affine().to_world(double(voxel[0]), double(voxel[1]), double(voxel[2]));
}

CursorReadout OrthoView::readout() const {
  return read_cursor(cursor_, layers_.underlay(), layers_.overlay(), atlas_.get(), layers_.frame());
}

std::array<ViewFrame, 3> OrthoView::frames() const {
  std::array<SliceLayout, 3> slices;
  if (layers_.underlay()) {
    for (size_t i = 0; i < 3; ++i) {
      slices[i] = layout_slice(layers_.underlay()->grid(), kPlanes[i], cursor_, convention_);
    }
  }
  const auto size = scene_->window.size();
  return ortho_frames(size[0], size[1], slices, kOrthoMargin,
                      colorbar_shown() ? kColorbarPanelWidth : 0);
}

std::array<double, 2> OrthoView::display_of(Plane plane, const WorldPoint& world) const {
  return frames()[static_cast<size_t>(plane)].display_of(world);
}

std::optional<WorldPoint> OrthoView::world_at_display(double x, double y) const {
  if (!layers_.underlay()) return std::nullopt;
  const auto all = frames();
  const int index = frame_at(all, x, y);
  if (index < 0) return std::nullopt;
  return all[static_cast<size_t>(index)].world_of_display(x, y);
}

bool OrthoView::step_slice_at_display(double x, double y, int steps) {
  if (!layers_.underlay()) return false;
  const auto all = frames();
  const int index = frame_at(all, x, y);
  if (index < 0) return false;
  const int axis = all[static_cast<size_t>(index)].slice.normal_axis();
  WorldPoint moved = cursor_;
  moved[static_cast<size_t>(axis)] += steps * spacing_along(layers_.underlay()->affine(), axis);
  set_cursor(moved);
  return true;
}

void OrthoView::render() {
  scene_->window.render();
}

void OrthoView::refresh() {
  if (!layers_.underlay()) {
    for (auto& view : scene_->views)
      view.set_visible(false);
    scene_->colorbar->hide();
    return;
  }
  const auto window_size = scene_->window.size();
  scene_->colorbar->show_or_hide(colorbar_shown(), layers_.overlay_style(), window_size[0],
                                 window_size[1]);
  const auto all = frames();
  for (size_t i = 0; i < 3; ++i) {
    ViewParts& view = scene_->views[i];
    const ViewFrame& frame = all[i];
    view.slice.draw(frame.slice, layers_);
    view.set_visible(true);
    view.divider->SetVisibility(i > 0);
    view.crosshair.set_visible(crosshair_visible_);
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
