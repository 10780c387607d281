#pragma once
// A 3-D view: the underlay as a semi-transparent grey surface (an isosurface
// at a brain threshold) and the overlay's supra-threshold voxels as coloured
// surfaces, warm for positive values and cool for negative ones, with the
// camera set to standard views (lateral, axial, frontal) and turned by
// rotate(). VTK stays out of this header.

#include <array>
#include <memory>
#include <optional>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/slice.h"

class vtkRenderWindow;

namespace viewers {

// Where the camera looks from, in the subject's terms.
enum class CameraView { kLeft, kRight, kAnterior, kPosterior, kSuperior, kInferior };

// The colours of supra-threshold overlay surfaces (RGB in [0, 1]).
inline constexpr std::array<double, 3> kPositiveSurfaceColour{1.0, 0.35, 0.05};
inline constexpr std::array<double, 3> kNegativeSurfaceColour{0.1, 0.45, 1.0};

class View3D {
 public:
  // Adds the scene's renderer to `window`, which must outlive the view.
  explicit View3D(vtkRenderWindow* window);
  ~View3D();
  View3D(const View3D&) = delete;
  View3D& operator=(const View3D&) = delete;

  // The brain surface is drawn at `surface_threshold` (default: a quarter of
  // the way up the underlay's robust range); the camera is reset to the left
  // lateral view. Throws std::invalid_argument for an image without voxels.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  const neuro::Volume* underlay() const;
  void set_surface_threshold(double value);
  double surface_threshold() const;
  void set_surface_opacity(double opacity);  // [0, 1], default 0.25

  // Surfaces enclose the overlay's values at or above the style's positive
  // threshold and at or below minus its negative threshold (or any non-zero
  // value when the style has no thresholds).
  void set_overlay(std::shared_ptr<const neuro::Volume> volume,
                   std::optional<LayerStyle> style = std::nullopt);
  void clear_overlay();
  const neuro::Volume* overlay() const;
  void set_overlay_style(const LayerStyle& style);
  const LayerStyle& overlay_style() const;

  void set_frame(int64_t frame);
  int64_t frame() const;

  // A small cross of three axis-aligned lines marks the cursor.
  void set_cursor(const WorldPoint& world);
  const WorldPoint& cursor() const;

  // Looks at the underlay's centre from `view`, the whole head in sight.
  void reset_camera(CameraView view = CameraView::kLeft);
  // Turns the camera about the focal point: `azimuth` degrees about the view
  // up direction, `elevation` degrees about the horizontal screen axis.
  void rotate(double azimuth, double elevation);
  // Moves the camera towards the focal point by `factor` (> 1 closer).
  void zoom(double factor);

  // Display coordinates (origin bottom-left, device pixels) of a world point
  // through the renderer's camera at the window's current size; brings the
  // scene up to date first.
  std::array<double, 2> display_of(const WorldPoint& world);

  void render();

 private:
  struct Scene;
  void refresh();  // called when the window starts a render

  std::unique_ptr<Scene> scene_;
  std::shared_ptr<const neuro::Volume> underlay_;
  std::shared_ptr<const neuro::Volume> overlay_;
  LayerStyle overlay_style_;
  double surface_threshold_ = 0;
  int64_t frame_ = 0;
  WorldPoint cursor_{0, 0, 0};
  bool underlay_stale_ = true;
  bool overlay_stale_ = true;
};

}  // namespace viewers
