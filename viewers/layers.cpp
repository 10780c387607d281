#include "viewers/layers.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace viewers {

void require_voxels(const std::shared_ptr<const neuro::Volume>& volume, const char* role) {
  if (!volume || volume->voxels_per_frame() <= 0 || volume->frames() <= 0) {
    throw std::invalid_argument((volume ? volume->source() : std::string(role)) +
                                ": the image has no voxels");
  }
}

void Layers::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  require_voxels(volume, "underlay");
  underlay_ = std::move(volume);
  underlay_style_ = LayerStyle{};
  underlay_style_.range = robust_range(underlay_->frame(0));
  values_changed();
}

void Layers::set_underlay_style(const LayerStyle& style) {
  underlay_style_ = style;
  ++colours_revision_;
}

void Layers::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                         std::optional<LayerStyle> style) {
  require_voxels(volume, "overlay");
  overlay_ = std::move(volume);
  overlay_style_ = style ? *style : default_overlay_style(overlay_->frame(0));
  values_changed();
}

void Layers::clear_overlay() {
  overlay_.reset();
  values_changed();
}

void Layers::set_overlay_style(const LayerStyle& style) {
  overlay_style_ = style;
  ++colours_revision_;
}

void Layers::set_frame(int64_t frame) {
  if (frame == frame_) return;
  frame_ = frame;
  values_changed();
}

void Layers::recut() {
  values_changed();
}

void Layers::values_changed() {
  ++values_revision_;
  ++colours_revision_;
}

}  // namespace viewers
