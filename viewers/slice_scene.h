#pragma once
// What the scenes that cut slices of an underlay and an overlay share (the
// orthogonal views and the lightbox): the images and their styles, the time
// point, the left-right convention, the colour bar's switch and the cursor.
// Each scene draws these its own way. VTK stays out of this header.

#include <cstdint>
#include <memory>
#include <optional>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/layers.h"
#include "viewers/slice.h"

namespace viewers {

class SliceScene {
 public:
  virtual ~SliceScene();
  SliceScene(const SliceScene&) = delete;
  SliceScene& operator=(const SliceScene&) = delete;

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

  // The time point shown for 4-D images (clamped per image).
  void set_frame(int64_t frame);
  int64_t frame() const;

  void set_convention(Convention convention);
  Convention convention() const;
  // The overlay's colour bar, in a panel at the right of the scene; shown
  // when visible (the default) and there is an overlay.
  void set_colorbar_visible(bool visible);
  bool colorbar_shown() const;

  // The cursor in world mm; points beyond the underlay's voxel centres are
  // pulled back onto its edge.
  void set_cursor(const WorldPoint& world);
  const WorldPoint& cursor() const;

 protected:
  SliceScene() = default;
  // What the slices are cut from changed in a way the layers do not record
  // (a layout option of the scene): cut them again.
  void recut_slices();

  Layers layers_;
  Convention convention_ = Convention::kNeurological;
  bool colorbar_visible_ = true;
  WorldPoint cursor_{0, 0, 0};

 private:
  // Runs after a new underlay is in place, before the cursor moves to it.
  virtual void underlay_replaced() {}
};

}  // namespace viewers
