#pragma once
// The lightbox in a Qt widget: a click or a drag puts the cursor on the world
// point under the mouse, the wheel moves every tile by one slice step.

#include <optional>

#include "viewers/lightbox_view.h"
#include "viewers/scene_widget.h"

namespace viewers {

class LightboxWidget : public SceneHost<LightboxView> {
  Q_OBJECT

 public:
  explicit LightboxWidget(QWidget* parent = nullptr);

  // Widget coordinates of a world point in the tile nearest to it.
  std::optional<QPointF> widget_position_of(const WorldPoint& world) const;

  QSize sizeHint() const override { return {900, 560}; }

 protected:
  void wheelEvent(QWheelEvent* event) override;
};

}  // namespace viewers
