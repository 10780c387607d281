#include "app/gui/view_tabs.h"

#include "viewers/lightbox_widget.h"
#include "viewers/ortho_view_widget.h"
#include "viewers/view3d_widget.h"

namespace gui {

namespace {

// The scene into one of the two hosted views (same calls on both).
template <typename Widget, typename Scene>
void show_scene(Widget* widget, const Scene& scene) {
  auto& view = widget->view();
  if (scene.underlay && view.underlay() != scene.underlay.get()) view.set_underlay(scene.underlay);
  if (scene.overlay) {
    if (view.overlay() != scene.overlay.get()) view.set_overlay(scene.overlay, scene.style);
    if (scene.style) view.set_overlay_style(*scene.style);
  } else if (view.overlay()) {
    view.clear_overlay();
  }
  view.set_frame(scene.frame);
  if (scene.cursor && scene.underlay) view.set_cursor(*scene.cursor);
  widget->refresh();
}

}  // namespace

ViewTabs::ViewTabs(QWidget* parent) : QTabWidget(parent) {
  ortho_ = new viewers::OrthoViewWidget(this);
  lightbox_ = new viewers::LightboxWidget(this);
  view3d_ = new viewers::View3DWidget(this);
  addTab(ortho_, "Orthogonal");
  addTab(lightbox_, "Lightbox");
  addTab(view3d_, "3-D");
  setDocumentMode(true);
  connect(this, &QTabWidget::currentChanged, this, &ViewTabs::bring_up_to_date);
  connect(lightbox_, &viewers::LightboxWidget::cursor_moved, this, &ViewTabs::cursor_moved);
}

void ViewTabs::set_underlay(std::shared_ptr<const neuro::Volume> volume) {
  scene_.underlay = std::move(volume);
  scene_.cursor.reset();
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::set_overlay(std::shared_ptr<const neuro::Volume> volume,
                           const viewers::LayerStyle& style) {
  scene_.overlay = std::move(volume);
  scene_.style = style;
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::clear_overlay() {
  scene_.overlay.reset();
  scene_.style.reset();
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::set_overlay_style(const viewers::LayerStyle& style) {
  scene_.style = style;
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::set_frame(int64_t frame) {
  scene_.frame = frame;
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::set_cursor(const viewers::WorldPoint& world) {
  scene_.cursor = world;
  lightbox_current_ = view3d_current_ = false;
  bring_up_to_date(currentIndex());
}

void ViewTabs::bring_up_to_date(int tab) {
  if (tab == kLightbox && !lightbox_current_) {
    show_scene(lightbox_, scene_);
    lightbox_current_ = true;
  } else if (tab == k3D && !view3d_current_) {
    show_scene(view3d_, scene_);
    view3d_current_ = true;
  }
}

}  // namespace gui
