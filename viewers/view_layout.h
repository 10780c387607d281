#pragma once
// Where the three orthogonal slices sit in a render window and how display
// pixels map to world points. Pure C++: the VTK scene sets its cameras from
// these numbers, and pick and screenshot checks use the same ones.

#include <array>
#include <string>

#include "viewers/slice.h"

namespace viewers {

// A viewport in pixels, origin at the bottom-left corner as VTK counts them.
struct ViewRect {
  int x = 0, y = 0, width = 0, height = 0;
  bool contains(double px, double py) const {
    return px >= x && px < x + width && py >= y && py < y + height;
  }
};

// One slice in its viewport at a fixed scale. "Plane coordinates" (u, v) are
// mm along the screen axes from the centre of the slice's first pixel; pixel
// (c, r) of the slice is centred on (c * pixel_width, r * pixel_height).
struct ViewFrame {
  SliceLayout slice;
  ViewRect rect;
  double center_u = 0, center_v = 0;  // plane coordinates at the viewport's centre
  double mm_per_pixel = 1;

  // Display coordinates (continuous, origin bottom-left of the window) of a
  // world point projected onto the slice.
  std::array<double, 2> display_of(const WorldPoint& world) const;
  // The world point on the slice under a display position.
  WorldPoint world_of_display(double x, double y) const;
  // Half the viewport height in mm: VTK's parallel scale.
  double parallel_scale() const { return mm_per_pixel * rect.height / 2.0; }
};

// The three views side by side in a width x height window, in the order
// axial, coronal, sagittal, with one mm-per-pixel scale for all three so a
// structure has the same size in each; `margin` is the fraction left free
// around the largest slice; `reserved_right` pixels at the right edge are left
// to a colour bar.
std::array<ViewFrame, 3> ortho_frames(int width, int height,
                                      const std::array<SliceLayout, 3>& slices,
                                      double margin = 0.04, int reserved_right = 0);

// The index (0..2) of the frame holding a display position, or -1.
int frame_at(const std::array<ViewFrame, 3>& frames, double x, double y);

// The anatomical letters at the four edges of a view: left, right, bottom, top.
struct EdgeLabels {
  std::string left, right, bottom, top;
};
EdgeLabels edge_labels(Plane plane, Convention convention);

}  // namespace viewers
