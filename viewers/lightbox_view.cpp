#include "viewers/lightbox_view.h"

#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "viewers/colorbar_actors.h"
#include "viewers/cursor_lines.h"
#include "viewers/scene_window.h"
#include "viewers/slice_actors.h"
#include "viewers/text_labels.h"

namespace viewers {

// The VTK objects of one tile. All tiles share one renderer whose parallel
// camera maps display pixel (x, y) to canvas mm (x, y) * mm_per_pixel; each
// slice image is moved to its tile.
struct TileParts {
  SliceActor slice;
  vtkNew<vtkTextActor> caption;

  explicit TileParts(vtkRenderer* renderer) : slice(renderer) {
    set_look(caption, LabelLook{});
    renderer->AddViewProp(caption);
  }

  void remove_from(vtkRenderer* renderer) {
    slice.remove_from(renderer);
    renderer->RemoveViewProp(caption);
  }
};

struct LightboxView::Scene {
  SceneWindow window;
  vtkNew<vtkRenderer> renderer;
  std::vector<std::unique_ptr<TileParts>> tiles;
  CursorLines cross{renderer, 2, 1.0};
  std::optional<ColorbarActors> colorbar;  // made after the tiles' renderer: drawn after it

  Scene(vtkRenderWindow* render_window, LightboxView* view)
      : window(render_window, "LightboxView", [view] { view->refresh(); }) {
    prepare_flat_renderer(renderer);
    window.add(renderer);
    colorbar.emplace(window.window());
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

LightboxView::LightboxView(vtkRenderWindow* window)
    : scene_(std::make_unique<Scene>(window, this)) {}

LightboxView::~LightboxView() = default;

void LightboxView::underlay_replaced() {
  underlay_z_range_ = nonzero_z_range(*layers_.underlay());
}

void LightboxView::set_options(const LightboxOptions& options) {
  if (options.rows < 1 || options.columns < 1) {
    throw std::invalid_argument("lightbox: rows and columns must be at least 1, got " +
                                std::to_string(options.rows) + " x " +
                                std::to_string(options.columns));
  }
  options_ = options;
  recut_slices();
}

const LightboxOptions& LightboxView::options() const {
  return options_;
}

std::array<double, 2> LightboxView::z_range() const {
  if (options_.z_range) return *options_.z_range;
  if (underlay_z_range_) return *underlay_z_range_;
  if (!layers_.underlay()) return {0, 0};
  return world_bounds(layers_.underlay()->grid())[2];
}

std::vector<LightboxTile> LightboxView::tiles() const {
  if (!layers_.underlay()) return {};
  const auto size = scene_->window.size();
  const neuro::Grid& grid = layers_.underlay()->grid();
  LightboxOptions spanning = options_;
  spanning.z_range = z_range();
  return lightbox_tiles(size[0], size[1], grid, lightbox_depths(grid, spanning), options_.rows,
                        options_.columns, convention_, 0.02,
                        colorbar_shown() ? kColorbarPanelWidth : 0);
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
  scene_->window.render();
}

void LightboxView::refresh() {
  Scene& scene = *scene_;
  if (!layers_.underlay()) {
    scene.resize_tiles(0);
    scene.cross.set_visible(false);
    scene.colorbar->hide();
    return;
  }
  const auto [width, height] = scene.window.size();
  const auto all = tiles();
  scene.resize_tiles(all.size());
  const double mm_per_pixel = all.empty() ? 1.0 : all.front().frame.mm_per_pixel;
  for (size_t i = 0; i < all.size(); ++i) {
    TileParts& parts = *scene.tiles[i];
    const ViewFrame& frame = all[i].frame;
    parts.slice.draw(frame.slice, layers_);
    // The slice's first pixel centre, in canvas mm, puts the slice's centre at
    // the tile's centre.
    parts.slice.set_position(
        (frame.rect.x + frame.rect.width / 2.0) * mm_per_pixel - frame.center_u,
        (frame.rect.y + frame.rect.height / 2.0) * mm_per_pixel - frame.center_v);
    parts.caption->SetInput(depth_label(all[i].z).c_str());
    parts.caption->SetPosition(frame.rect.x + 4, frame.rect.y + 3);
  }

  const int cursor_tile = nearest_tile(all, cursor_[2]);
  if (cursor_tile >= 0) {
    const ViewFrame& frame = all[static_cast<size_t>(cursor_tile)].frame;
    const auto at = frame.display_of(cursor_);
    const double arm = std::min(frame.rect.width, frame.rect.height) * 0.06;
    const auto canvas = [&](double x, double y) -> std::array<double, 3> {
      return {x * mm_per_pixel, y * mm_per_pixel, kCursorLineHeight};
    };
    scene.cross.place(0, canvas(at[0] - arm, at[1]), canvas(at[0] + arm, at[1]));
    scene.cross.place(1, canvas(at[0], at[1] - arm), canvas(at[0], at[1] + arm));
    scene.cross.set_visible(true);
  } else {
    scene.cross.set_visible(false);
  }

  const int views_width = width - (colorbar_shown() ? kColorbarPanelWidth : 0);
  scene.renderer->SetViewport(0, 0, static_cast<double>(views_width) / width, 1);
  look_down_on(scene.renderer, views_width / 2.0 * mm_per_pixel, height / 2.0 * mm_per_pixel,
               height * mm_per_pixel / 2.0);
  scene.colorbar->show_or_hide(colorbar_shown(), layers_.overlay_style(), width, height);
}

}  // namespace viewers
