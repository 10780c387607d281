#pragma once
// The VTK side of a slice scene: a slice of the layers as an image actor,
// and the flat renderer and camera it is seen through. Shared by the
// orthogonal views and the lightbox; not part of the public headers, which
// keep VTK out.

#include <cstdint>
#include <optional>
#include <vector>

#include <vtkNew.h>

#include "viewers/layers.h"
#include "viewers/slice.h"

class vtkImageActor;
class vtkImageData;
class vtkRenderer;

namespace viewers {

// The camera looks down on the slices (z = 0) from this height; the cursor's
// lines float at kCursorLineHeight so that a slice never hides them.
inline constexpr double kCameraHeight = 500;
inline constexpr double kCursorLineHeight = 1;

// A black renderer that takes no input, with a parallel camera, y up.
void prepare_flat_renderer(vtkRenderer* renderer);
// Centres the renderer's camera on canvas point (u, v) (mm), `half_height`
// mm from the centre to the top of the viewport.
void look_down_on(vtkRenderer* renderer, double u, double v, double half_height);

// One slice of the layers, its first pixel centre at the actor's position.
// Values are cut from the volumes again only when the slice or the layers'
// values revision change, and coloured again only when those or the colours
// revision do.
class SliceActor {
 public:
  explicit SliceActor(vtkRenderer* renderer);
  ~SliceActor();
  SliceActor(const SliceActor&) = delete;
  SliceActor& operator=(const SliceActor&) = delete;

  void remove_from(vtkRenderer* renderer);
  // Brings the picture up to date with `slice` of `layers`, which must have
  // an underlay.
  void draw(const SliceLayout& slice, const Layers& layers);
  void set_visible(bool visible);
  // Where the first pixel centre goes (canvas mm).
  void set_position(double x, double y);

 private:
  vtkNew<vtkImageData> image_;
  vtkNew<vtkImageActor> actor_;
  std::optional<SliceLayout> layout_;
  std::vector<float> underlay_values_;        // [height * width], rows from the bottom
  std::vector<float> overlay_values_;         // the same, or empty without an overlay
  std::optional<uint64_t> values_revision_;   // of the layers these values were cut from
  std::optional<uint64_t> colours_revision_;  // of the layers the picture was coloured from
};

}  // namespace viewers
