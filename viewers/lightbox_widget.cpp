#include "viewers/lightbox_widget.h"

namespace viewers {

LightboxWidget::LightboxWidget(QWidget* parent) : SceneHost(parent) {
  setMinimumSize(300, 200);
}

std::optional<QPointF> LightboxWidget::widget_position_of(const WorldPoint& world) const {
  const auto display = view().display_of(world);
  if (!display) return std::nullopt;
  return to_widget((*display)[0], (*display)[1]);
}

void LightboxWidget::wheelEvent(QWheelEvent* event) {
  const int steps = wheel_notches(event);
  if (steps != 0 && view().underlay()) {
    // Every tile moves by the distance between two tiles' slices.
    const auto tiles = view().tiles();
    const double gap =
        tiles.size() > 1 ? tiles[1].z - tiles[0].z : spacing_along(view().underlay()->affine(), 2);
    LightboxOptions options = view().options();
    const std::array<double, 2> range = view().z_range();
    options.z_range = std::array<double, 2>{range[0] + steps * gap, range[1] + steps * gap};
    view().set_options(options);
    request_render();
  }
  event->accept();
}

}  // namespace viewers
