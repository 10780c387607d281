#include "viewers/lightbox_view.h"

#include <vtkActor.h>
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
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "viewers/colorbar_actors.h"
#include "viewers/slice_image.h"

namespace viewers {
namespace {

// All tiles share one renderer whose parallel camera maps display pixel (x, y)
// to canvas mm (x, y) * mm_per_pixel; each slice image is moved to its tile.
constexpr double kCameraHeight = 500;
constexpr double kCrossHeight = 1;

}  // namespace

// The VTK objects of one tile and the values they were last built from.
struct TileParts {
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> actor;
  vtkNew<vtkTextActor> caption;
  double z = 0;
  int width = 0, height = 0;
  std::vector<float> underlay_values;
  std::vector<float> overlay_values;
  bool values_stale = true;
  bool colours_stale = true;

  explicit TileParts(vtkRenderer* renderer) {
    actor->GetMapper()->SetInputData(image);
    actor->InterpolateOff();
    actor->GetProperty()->SetColorWindow(255);
    actor->GetProperty()->SetColorLevel(127.5);
    renderer->AddActor(actor);
    vtkTextProperty* text = caption->GetTextProperty();
    text->SetFontSize(12);
    text->SetColor(0.95, 0.95, 0.6);
    text->ShadowOn();
    text->SetJustificationToLeft();
    text->SetVerticalJustificationToBottom();
    caption->GetPositionCoordinate()->SetCoordinateSystemToViewport();
    renderer->AddViewProp(caption);
  }

  void remove_from(vtkRenderer* renderer) {
    renderer->RemoveActor(actor);
    renderer->RemoveViewProp(caption);
  }

  void upload(const SliceLayout& slice, const std::vector<uint8_t>& rgb) {
    int dims[3];
    image->GetDimensions(dims);
    if (dims[0] != slice.width || dims[1] != slice.height ||
        image->GetPointData()->GetScalars() == nullptr) {
      image->SetDimensions(slice.width, slice.height, 1);
      image->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    }
    image->SetOrigin(0, 0, 0);
    image->SetSpacing(slice.pixel_width(), slice.pixel_height(), 1);
    std::memcpy(image->GetScalarPointer(), rgb.data(), rgb.size());
    image->Modified();
  }
};

struct LightboxView::Scene {
  vtkRenderWindow* window = nullptr;
  vtkNew<vtkRenderer> renderer;
  std::vector<std::unique_ptr<TileParts>> tiles;
  vtkNew<vtkPoints> cross_points;
  vtkNew<vtkPolyData> cross;
  vtkNew<vtkPolyDataMapper> cross_mapper;
  vtkNew<vtkActor> cross_actor;
  std::unique_ptr<ColorbarActors> colorbar;
  vtkNew<vtkCallbackCommand> on_start;
  unsigned long observer = 0;

  Scene() {
    renderer->SetBackground(0, 0, 0);
    renderer->InteractiveOff();
    vtkCamera* camera = renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    camera->SetViewUp(0, 1, 0);
    cross_points->SetNumberOfPoints(4);
    vtkNew<vtkCellArray> lines;
    const vtkIdType horizontal[2] = {0, 1};
    const vtkIdType vertical[2] = {2, 3};
    lines->InsertNextCell(2, horizontal);
    lines->InsertNextCell(2, vertical);
    cross->SetPoints(cross_points);
    cross->SetLines(lines);
    cross_mapper->SetInputData(cross);
    cross_actor->SetMapper(cross_mapper);
    cross_actor->GetProperty()->SetColor(0.2, 1.0, 0.2);
    cross_actor->GetProperty()->LightingOff();
    cross_actor->VisibilityOff();
    renderer->AddActor(cross_actor);
  }

  void resize_tiles(size_t count) {
    while (tiles.size() > count) {
      tiles.back()->remove_from(renderer);
      tiles.pop_back();
    }
    while (tiles.size() < count)
      tiles.push_back(std::make_unique<TileParts>(renderer));
  }
};

LightboxView::LightboxView(vtkRenderWindow* window) : scene_(std::make_unique<Scene>()) {
  if (!window) throw std::invalid_argument("LightboxView: no render window");
  scene_->window = window;
  window->AddRenderer(scene_->renderer);
  scene_->colorbar = std::make_unique<ColorbarActors>(window);
  scene_->on_start->SetClientData(this);
  scene_->on_start->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
    static_cast<LightboxView*>(self)->refresh();
  });
  scene_->observer = window->AddObserver(vtkCommand::StartEvent, scene_->on_start);
}

LightboxView::~LightboxView() {
  scene_->window->RemoveObserver(scene_->observer);
  scene_->window->RemoveRenderer(scene_->renderer);
  scene_->colorbar.reset();
}

void LightboxView::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  if (!volume || volume->voxels_per_frame() <= 0 || volume->frames() <= 0) {
    throw std::invalid_argument((volume ? volume->source() : std::string("underlay")) +
                                ": the image has no voxels");
  }
  underlay_ = std::move(volume);
  underlay_z_range_ = nonzero_z_range(*underlay_);
  underlay_style_ = LayerStyle{};
  underlay_style_.range = robust_range(underlay_->frame(0));
  const auto bounds = world_bounds(underlay_->grid());
  for (size_t a = 0; a < 3; ++a)
    cursor_[a] = (bounds[a][0] + bounds[a][1]) / 2;
  mark_dirty();
}

const neuro::Volume* LightboxView::underlay() const {
  return underlay_.get();
}

void LightboxView::set_underlay_style(const LayerStyle& style) {
  underlay_style_ = style;
  for (auto& tile : scene_->tiles)
    tile->colours_stale = true;
}

const LayerStyle& LightboxView::underlay_style() const {
  return underlay_style_;
}

void LightboxView::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                               std::optional<LayerStyle> style) {
  if (!volume || volume->voxels_per_frame() <= 0 || volume->frames() <= 0) {
    throw std::invalid_argument((volume ? volume->source() : std::string("overlay")) +
                                ": the image has no voxels");
  }
  overlay_ = std::move(volume);
  overlay_style_ = style ? *style : default_overlay_style(overlay_->frame(0));
  mark_dirty();
}

void LightboxView::clear_overlay() {
  overlay_.reset();
  mark_dirty();
}

const neuro::Volume* LightboxView::overlay() const {
  return overlay_.get();
}

void LightboxView::set_overlay_style(const LayerStyle& style) {
  overlay_style_ = style;
  for (auto& tile : scene_->tiles)
    tile->colours_stale = true;
}

const LayerStyle& LightboxView::overlay_style() const {
  return overlay_style_;
}

void LightboxView::set_options(const LightboxOptions& options) {
  if (options.rows < 1 || options.columns < 1) {
    throw std::invalid_argument("lightbox: rows and columns must be at least 1, got " +
                                std::to_string(options.rows) + " x " +
                                std::to_string(options.columns));
  }
  options_ = options;
  mark_dirty();
}

const LightboxOptions& LightboxView::options() const {
  return options_;
}

std::array<double, 2> LightboxView::z_range() const {
  if (options_.z_range) return *options_.z_range;
  if (underlay_z_range_) return *underlay_z_range_;
  if (!underlay_) return {0, 0};
  return world_bounds(underlay_->grid())[2];
}

void LightboxView::set_frame(int64_t frame) {
  frame = std::max<int64_t>(frame, 0);
  if (frame == frame_) return;
  frame_ = frame;
  mark_dirty();
}

int64_t LightboxView::frame() const {
  return frame_;
}

void LightboxView::set_convention(Convention convention) {
  convention_ = convention;
  mark_dirty();
}

Convention LightboxView::convention() const {
  return convention_;
}

void LightboxView::set_colorbar_visible(bool visible) {
  colorbar_visible_ = visible;
}

bool LightboxView::colorbar_shown() const {
  return colorbar_visible_ && overlay_ != nullptr;
}

void LightboxView::set_cursor(const WorldPoint& world) {
  WorldPoint clamped = world;
  if (underlay_) {
    const auto bounds = world_bounds(underlay_->grid());
    for (size_t a = 0; a < 3; ++a)
      clamped[a] = std::clamp(clamped[a], bounds[a][0], bounds[a][1]);
  }
  cursor_ = clamped;
}

const WorldPoint& LightboxView::cursor() const {
  return cursor_;
}

std::vector<LightboxTile> LightboxView::tiles() const {
  if (!underlay_) return {};
  const int* size = scene_->window->GetSize();
  const int width = size[0] > 0 ? size[0] : 300;
  const int height = size[1] > 0 ? size[1] : 300;
  LightboxOptions spanning = options_;
  spanning.z_range = z_range();
  return lightbox_tiles(
      width, height, underlay_->grid(), lightbox_depths(underlay_->grid(), spanning), options_.rows,
      options_.columns, convention_, 0.02, colorbar_shown() ? kColorbarPanelWidth : 0);
}

std::string LightboxView::tile_caption(size_t index) const {
  const auto all = tiles();
  if (index >= all.size()) {
    throw std::out_of_range("lightbox: tile " + std::to_string(index) + " of " +
                            std::to_string(all.size()));
  }
  return depth_label(all[index].z);
}

std::optional<WorldPoint> LightboxView::world_at_display(double x, double y) const {
  const auto all = tiles();
  const int index = tile_at(all, x, y);
  if (index < 0) return std::nullopt;
  return all[static_cast<size_t>(index)].frame.world_of_display(x, y);
}

std::optional<std::array<double, 2>> LightboxView::display_of(const WorldPoint& world) const {
  const auto all = tiles();
  const int index = nearest_tile(all, world[2]);
  if (index < 0) return std::nullopt;
  return all[static_cast<size_t>(index)].frame.display_of(world);
}

int LightboxView::nearest_tile(const std::vector<LightboxTile>& tiles, double z) const {
  int best = -1;
  double best_distance = 0;
  for (size_t i = 0; i < tiles.size(); ++i) {
    const double d = std::abs(tiles[i].z - z);
    if (best < 0 || d < best_distance) {
      best = static_cast<int>(i);
      best_distance = d;
    }
  }
  return best;
}

void LightboxView::render() {
  scene_->window->Render();
}

void LightboxView::mark_dirty() {
  for (auto& tile : scene_->tiles) {
    tile->values_stale = true;
    tile->colours_stale = true;
  }
}

void LightboxView::refresh() {
  Scene& scene = *scene_;
  if (!underlay_) {
    scene.resize_tiles(0);
    scene.cross_actor->VisibilityOff();
    scene.colorbar->hide();
    return;
  }
  const int* size = scene.window->GetSize();
  const int width = size[0] > 0 ? size[0] : 300;
  const int height = size[1] > 0 ? size[1] : 300;
  const auto all = tiles();
  scene.resize_tiles(all.size());
  const double mm_per_pixel = all.empty() ? 1.0 : all.front().frame.mm_per_pixel;
  for (size_t i = 0; i < all.size(); ++i) {
    TileParts& parts = *scene.tiles[i];
    const ViewFrame& frame = all[i].frame;
    if (parts.values_stale || parts.z != all[i].z || parts.width != frame.slice.width ||
        parts.height != frame.slice.height) {
      parts.z = all[i].z;
      parts.width = frame.slice.width;
      parts.height = frame.slice.height;
      parts.underlay_values =
          extract_slice(*underlay_, frame.slice, std::min(frame_, underlay_->frames() - 1));
      parts.overlay_values.clear();
      if (overlay_) {
        parts.overlay_values =
            extract_slice(*overlay_, frame.slice, std::min(frame_, overlay_->frames() - 1),
                          Interpolation::kLinear);
      }
      parts.values_stale = false;
      parts.colours_stale = true;
    }
    if (parts.colours_stale) {
      parts.upload(frame.slice, compose_slice(parts.underlay_values, underlay_style_,
                                              parts.overlay_values, overlay_style_));
      parts.colours_stale = false;
    }
    // The slice's first pixel centre, in canvas mm, puts the slice's centre at
    // the tile's centre.
    parts.actor->SetPosition(
        (frame.rect.x + frame.rect.width / 2.0) * mm_per_pixel - frame.center_u,
        (frame.rect.y + frame.rect.height / 2.0) * mm_per_pixel - frame.center_v, 0);
    parts.caption->SetInput(depth_label(all[i].z).c_str());
    parts.caption->SetPosition(frame.rect.x + 4, frame.rect.y + 3);
  }

  const int cursor_tile = nearest_tile(all, cursor_[2]);
  if (cursor_tile >= 0) {
    const ViewFrame& frame = all[static_cast<size_t>(cursor_tile)].frame;
    const auto at = frame.display_of(cursor_);
    const double arm = std::min(frame.rect.width, frame.rect.height) * 0.06;
    const auto canvas = [&](double x, double y, vtkIdType id) {
      scene.cross_points->SetPoint(id, x * mm_per_pixel, y * mm_per_pixel, kCrossHeight);
    };
    canvas(at[0] - arm, at[1], 0);
    canvas(at[0] + arm, at[1], 1);
    canvas(at[0], at[1] - arm, 2);
    canvas(at[0], at[1] + arm, 3);
    scene.cross_points->Modified();
    scene.cross->Modified();
    scene.cross_actor->VisibilityOn();
  } else {
    scene.cross_actor->VisibilityOff();
  }

  const int views_width = width - (colorbar_shown() ? kColorbarPanelWidth : 0);
  scene.renderer->SetViewport(0, 0, static_cast<double>(views_width) / width, 1);
  vtkCamera* camera = scene.renderer->GetActiveCamera();
  const double cu = views_width / 2.0 * mm_per_pixel;
  const double cv = height / 2.0 * mm_per_pixel;
  camera->SetFocalPoint(cu, cv, 0);
  camera->SetPosition(cu, cv, kCameraHeight);
  camera->SetViewUp(0, 1, 0);
  camera->SetParallelScale(height * mm_per_pixel / 2.0);
  camera->SetClippingRange(kCameraHeight / 2, kCameraHeight * 2);
  if (colorbar_shown()) {
    scene.colorbar->show(overlay_style_, width, height);
  } else {
    scene.colorbar->hide();
  }
}

}  // namespace viewers
