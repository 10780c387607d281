#pragma once
// A lightbox: a mosaic of axial slices of an underlay (rows x columns, a
// slice step in mm or in slices), each with the overlay drawn through the
// same LayerStyles as the orthogonal views and captioned with its z, plus the
// overlay's colour bar. A click maps back to the world point under it, so the
// host can move the cursor there.
//
// Like OrthoView, a SliceScene that brings itself up to date whenever its
// render window starts a render. VTK stays out of this header.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viewers/lightbox_layout.h"
#include "viewers/slice_scene.h"

class vtkRenderWindow;

namespace viewers {

class LightboxView : public SliceScene {
 public:
  // Adds the scene's renderers to `window`, which must outlive the view.
  explicit LightboxView(vtkRenderWindow* window);
  ~LightboxView() override;

  // Throws std::invalid_argument for rows or columns below 1. Without a z
  // range of their own the tiles span the underlay's non-zero voxels.
  void set_options(const LightboxOptions& options);
  const LightboxOptions& options() const;
  // The z range (mm) the tiles span now.
  std::array<double, 2> z_range() const;

  // The tiles at the render window's current size (device pixels); empty
  // without an underlay. A cross marks the cursor in the tile whose slice is
  // nearest to it.
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
  void underlay_replaced() override;
  int nearest_tile(const std::vector<LightboxTile>& tiles, double z) const;
  void refresh();  // called when the window starts a render

  std::unique_ptr<Scene> scene_;
  LightboxOptions options_;
  std::optional<std::array<double, 2>> underlay_z_range_;  // of its non-zero voxels
};

}  // namespace viewers
