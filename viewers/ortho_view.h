#pragma once
// Three orthogonal slices of an underlay, side by side in one VTK render
// window (axial, coronal, sagittal), with an optional overlay drawn through a
// colour map, thresholds and opacity, a crosshair linked across the views at
// the cursor, and the anatomical letters at the edges of each view.
//
// The scene brings itself up to date whenever its render window starts a
// render, so any host (a Qt widget, an offscreen renderer) only has to render
// the window. VTK stays out of this header.

#include <array>
#include <memory>
#include <optional>

#include "neuro/atlas/label_atlas.h"
#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/cursor_readout.h"
#include "viewers/slice.h"
#include "viewers/view_layout.h"

class vtkRenderWindow;

namespace viewers {

class OrthoView {
 public:
  // Adds the scene's three renderers to `window`, which must outlive the view.
  explicit OrthoView(vtkRenderWindow* window);
  ~OrthoView();
  OrthoView(const OrthoView&) = delete;
  OrthoView& operator=(const OrthoView&) = delete;

  // A new underlay puts the cursor at the centre of its bounding box and
  // styles it grey over its robust range. Throws std::invalid_argument for an
  // image without voxels.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  const neuro::Volume* underlay() const;
  void set_underlay_style(const LayerStyle& style);
  const LayerStyle& underlay_style() const;

  // The overlay is sampled on the underlay's slices in world space, so its
  // grid may differ from the underlay's. Without a style, one is chosen from
  // its values (default_overlay_style).
  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt);
  void clear_overlay();
  const neuro::Volume* overlay() const;
  void set_overlay_style(const LayerStyle& style);
  const LayerStyle& overlay_style() const;

  // Names the region under the cursor in readouts; not drawn.
  void set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas);
  const neuro::LabelAtlas* atlas() const;

  // The time point shown for 4-D images (clamped per image).
  void set_frame(int64_t frame);
  int64_t frame() const;

  void set_convention(Convention convention);
  Convention convention() const;
  void set_crosshair_visible(bool visible);
  bool crosshair_visible() const;
  // The overlay's colour bar, in a panel at the right of the views; shown
  // when visible (the default) and there is an overlay.
  void set_colorbar_visible(bool visible);
  bool colorbar_shown() const;
  // The strip's rectangle at the window's current size (display pixels);
  // nullopt when the bar is not shown.
  std::optional<ViewRect> colorbar_rect() const;

  // The cursor in world mm; the slices pass through it. Points beyond the
  // underlay's voxel centres are pulled back onto its edge.
  void set_cursor(const WorldPoint& world);
  // The cursor on the centre of an underlay voxel; throws std::out_of_range
  // for an index outside the image (or without an underlay).
  void set_cursor_to_voxel(const std::array<int64_t, 3>& voxel);
  const WorldPoint& cursor() const;
  CursorReadout readout() const;

  // Geometry at the render window's current size (device pixels).
  std::array<ViewFrame, 3> frames() const;
  // Display coordinates (origin bottom-left, device pixels) of a world point
  // in the view of `plane`.
  std::array<double, 2> display_of(Plane plane, const WorldPoint& world) const;
  // The world point under a display position, on the slice of the view it
  // falls in; nullopt between views or without an underlay.
  std::optional<WorldPoint> world_at_display(double x, double y) const;
  // Moves the slice of the view at a display position by `steps` voxels along
  // its normal (mouse wheel); false when the position is in no view.
  bool step_slice_at_display(double x, double y, int steps);

  // Renders the window now.
  void render();

 private:
  struct Scene;
  void clamp_to_underlay(WorldPoint& world) const;
  void mark_all_dirty();
  void refresh();  // called when the window starts a render

  std::unique_ptr<Scene> scene_;
  std::shared_ptr<const neuro::Volume> underlay_;
  std::shared_ptr<const neuro::Volume> overlay_;
  std::shared_ptr<const neuro::LabelAtlas> atlas_;
  LayerStyle underlay_style_;
  LayerStyle overlay_style_;
  int64_t frame_ = 0;
  Convention convention_ = Convention::kNeurological;
  bool crosshair_visible_ = true;
  bool colorbar_visible_ = true;
  WorldPoint cursor_{0, 0, 0};
};

}  // namespace viewers
