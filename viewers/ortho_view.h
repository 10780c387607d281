#pragma once
// Three orthogonal slices of an underlay, side by side in one VTK render
// window (axial, coronal, sagittal), with an optional overlay drawn through a
// colour map, thresholds and opacity, a crosshair linked across the views at
// the cursor, and the anatomical letters at the edges of each view.
//
// The layers, time point, convention, colour bar and cursor are those of a
// SliceScene. The scene brings itself up to date whenever its render window
// starts a render, so any host (a Qt widget, an offscreen renderer) only has
// to render the window. VTK stays out of this header.

#include <array>
#include <memory>
#include <optional>

#include "neuro/atlas/label_atlas.h"
#include "viewers/cursor_readout.h"
#include "viewers/slice_scene.h"
#include "viewers/view_layout.h"

class vtkRenderWindow;

namespace viewers {

class OrthoView : public SliceScene {
 public:
  // Adds the scene's three renderers to `window`, which must outlive the view.
  explicit OrthoView(vtkRenderWindow* window);
  ~OrthoView() override;

  // Names the region under the cursor in readouts; not drawn.
  void set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas);
  const neuro::LabelAtlas* atlas() const;

  void set_crosshair_visible(bool visible);
  bool crosshair_visible() const;
  // The colour bar strip's rectangle at the window's current size (display
  // pixels); nullopt when the bar is not shown.
  std::optional<ViewRect> colorbar_rect() const;

  // The cursor on the centre of an underlay voxel; throws std::out_of_range
  // for an index outside the image (or without an underlay).
  void set_cursor_to_voxel(const std::array<int64_t, 3>& voxel);
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
  void refresh();  // called when the window starts a render

  std::unique_ptr<Scene> scene_;
  std::shared_ptr<const neuro::LabelAtlas> atlas_;
  bool crosshair_visible_ = true;
};

}  // namespace viewers
