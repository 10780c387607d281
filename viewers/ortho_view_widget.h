#pragma once
// The three orthogonal views in a Qt widget: a click or a drag puts the cursor
// under the mouse, the wheel moves through the slices of the view under it.

#include "viewers/ortho_view.h"
#include "viewers/scene_widget.h"

namespace viewers {

class OrthoViewWidget : public SceneHost<OrthoView> {
  Q_OBJECT

 public:
  explicit OrthoViewWidget(QWidget* parent = nullptr);

  // Widget coordinates of a world point in the view of `plane`.
  QPointF widget_position_of(Plane plane, const WorldPoint& world) const;

  QSize sizeHint() const override { return {960, 360}; }

 protected:
  void wheelEvent(QWheelEvent* event) override;
};

}  // namespace viewers
