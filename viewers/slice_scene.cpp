#include "viewers/slice_scene.h"

#include <algorithm>
#include <utility>

namespace viewers {

SliceScene::~SliceScene() = default;

void SliceScene::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  layers_.set_underlay(std::move(volume));
  underlay_replaced();
  cursor_ = world_centre(layers_.underlay()->grid());
}

const neuro::Volume* SliceScene::underlay() const {
  return layers_.underlay();
}

void SliceScene::set_underlay_style(const LayerStyle& style) {
  layers_.set_underlay_style(style);
}

const LayerStyle& SliceScene::underlay_style() const {
  return layers_.underlay_style();
}

void SliceScene::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                             std::optional<LayerStyle> style) {
  layers_.set_overlay(std::move(volume), style);
}

void SliceScene::clear_overlay() {
  layers_.clear_overlay();
}

const neuro::Volume* SliceScene::overlay() const {
  return layers_.overlay();
}

void SliceScene::set_overlay_style(const LayerStyle& style) {
  layers_.set_overlay_style(style);
}

const LayerStyle& SliceScene::overlay_style() const {
  return layers_.overlay_style();
}

void SliceScene::set_frame(int64_t frame) {
  layers_.set_frame(std::max<int64_t>(frame, 0));
}

int64_t SliceScene::frame() const {
  return layers_.frame();
}

void SliceScene::set_convention(Convention convention) {
  convention_ = convention;
  recut_slices();
}

Convention SliceScene::convention() const {
  return convention_;
}

void SliceScene::set_colorbar_visible(bool visible) {
  colorbar_visible_ = visible;
}

bool SliceScene::colorbar_shown() const {
  return colorbar_visible_ && layers_.overlay() != nullptr;
}

void SliceScene::set_cursor(const WorldPoint& world) {
  cursor_ = layers_.underlay() ? clamp_to_bounds(layers_.underlay()->grid(), world) : world;
}

const WorldPoint& SliceScene::cursor() const {
  return cursor_;
}

void SliceScene::recut_slices() {
  layers_.recut();
}

}  // namespace viewers
