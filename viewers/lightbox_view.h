#pragma once
// A lightbox: a mosaic of axial slices of an underlay (rows x columns, a
// slice step in mm or in slices), each with the overlay drawn through the
// same LayerStyles as the orthogonal views and captioned with its z, plus the
// overlay's colour bar. A click maps back to the world point under it, so the
// host can move the cursor there.
//
// Like OrthoView, the scene brings itself up to date whenever its render
// window starts a render. VTK stays out of this header.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/lightbox_layout.h"
#include "viewers/slice.h"

class vtkRenderWindow;

namespace viewers {

class LightboxView {
 public:
  // Adds the scene's renderers to `window`, which must outlive the view.
  explicit LightboxView(vtkRenderWindow* window);
  ~LightboxView();
  LightboxView(const LightboxView&) = delete;
  LightboxView& operator=(const LightboxView&) = delete;

  // As OrthoView: the cursor goes to the image's centre, grey over its
  // robust range; throws std::invalid_argument for an image without voxels.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  const neuro::Volume* underlay() const;
  void set_underlay_style(const LayerStyle& style);
  const LayerStyle& underlay_style() const;

  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt);
  void clear_overlay();
  const neuro::Volume* overlay() const;
  void set_overlay_style(const LayerStyle& style);
  const LayerStyle& overlay_style() const;

  // Throws std::invalid_argument for rows or columns below 1. Without a z
  // range of their own the tiles span the underlay's non-zero voxels.
  void set_options(const LightboxOptions& options);
  const LightboxOptions& options() const;
  // The z range (mm) the tiles span now.
  std::array<double, 2> z_range() const;

  void set_frame(int64_t frame);
  int64_t frame() const;
  void set_convention(Convention convention);
  Convention convention() const;
  void set_colorbar_visible(bool visible);
  bool colorbar_shown() const;

  // The cursor in world mm, clamped to the underlay's voxel centres; a cross
  // marks it in the tile whose slice is nearest to it.
  void set_cursor(const WorldPoint& world);
  const WorldPoint& cursor() const;

  // The tiles at the render window's current size (device pixels); empty
  // without an underlay.
  std::vector<LightboxTile> tiles() const;
  // The caption drawn in tile `index` ("z = 18.0 mm"); throws
  // std::out_of_range for an index beyond the tiles.
  std::string tile_caption(size_t index) const;
  // The world point under a display position (origin bottom-left), on the
  // slice of the tile it falls in; nullopt between tiles or without an
  // underlay.
  std::optional<WorldPoint> world_at_display(double x, double y) const;
  // Display position of a world point in the tile whose slice is nearest to
  // it; nullopt without tiles.
  std::optional<std::array<double, 2>> display_of(const WorldPoint& world) const;

  void render();

 private:
  struct Scene;
  int nearest_tile(const std::vector<LightboxTile>& tiles, double z) const;
  void mark_dirty();
  void refresh();  // called when the window starts a render

  std::unique_ptr<Scene> scene_;
  std::shared_ptr<const neuro::Volume> underlay_;
  std::shared_ptr<const neuro::Volume> overlay_;
  LayerStyle underlay_style_;
  LayerStyle overlay_style_;
  LightboxOptions options_;
  int64_t frame_ = 0;
  Convention convention_ = Convention::kNeurological;
  bool colorbar_visible_ = true;
  WorldPoint cursor_{0, 0, 0};
  std::optional<std::array<double, 2>> underlay_z_range_;  // of its non-zero voxels
};

}  // namespace viewers
