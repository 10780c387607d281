#pragma once
// The images a slice scene draws, the overlay over the underlay, and how:
// kept alike by the orthogonal views and the lightbox, so that both open an
// image with the same style and cut the same time point. Every change bumps a
// revision, so that whatever draws the layers can tell what it must redo.
// Pure C++.

#include <cstdint>
#include <memory>
#include <optional>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"

namespace viewers {

// Throws std::invalid_argument naming the image (or `role` when there is
// none) when it has no voxels or no time points.
void require_voxels(const std::shared_ptr<const neuro::Volume>& volume, const char* role);

class Layers {
 public:
  // Styles it grey over its robust range; throws as require_voxels.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  void set_underlay_style(const LayerStyle& style);
  // Without a style, one is chosen from its values (default_overlay_style);
  // throws as require_voxels.
  void set_overlay(std::shared_ptr<const neuro::Volume> volume, std::optional<LayerStyle> style);
  void clear_overlay();
  void set_overlay_style(const LayerStyle& style);
  // The time point shown, clamped per image when cut.
  void set_frame(int64_t frame);
  // Cut again although the layers did not change (the slices' layout may
  // have).
  void recut();

  const neuro::Volume* underlay() const { return underlay_.get(); }
  const neuro::Volume* overlay() const { return overlay_.get(); }  // may be null
  const LayerStyle& underlay_style() const { return underlay_style_; }
  const LayerStyle& overlay_style() const { return overlay_style_; }
  int64_t frame() const { return frame_; }

  // Bumped whenever the values cut from the images change (images, time
  // point, recut) and whenever their colours do (those, or a style).
  uint64_t values_revision() const { return values_revision_; }
  uint64_t colours_revision() const { return colours_revision_; }

 private:
  void values_changed();

  std::shared_ptr<const neuro::Volume> underlay_;
  std::shared_ptr<const neuro::Volume> overlay_;
  LayerStyle underlay_style_;
  LayerStyle overlay_style_;
  int64_t frame_ = 0;
  uint64_t values_revision_ = 0;
  uint64_t colours_revision_ = 0;
};

}  // namespace viewers
