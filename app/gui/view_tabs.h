#pragma once
// The window's views as tabs: the orthogonal slices, a lightbox of axial
// slices and a 3-D view, all of the same underlay, overlay, style, volume
// and cursor. The orthogonal views are driven directly by the window; the
// other two are brought up to date when their tab is shown, so that a hidden
// 3-D view never rebuilds its surfaces.

#include <QTabWidget>

#include <memory>
#include <optional>

#include "neuro/image/volume.h"
#include "viewers/colormap.h"
#include "viewers/slice.h"

namespace viewers {
class LightboxWidget;
class OrthoViewWidget;
class View3DWidget;
}  // namespace viewers

namespace gui {

class ViewTabs : public QTabWidget {
  Q_OBJECT

 public:
  enum Tab { kOrthogonal = 0, kLightbox = 1, k3D = 2 };

  explicit ViewTabs(QWidget* parent = nullptr);

  viewers::OrthoViewWidget* ortho() const { return ortho_; }
  viewers::LightboxWidget* lightbox() const { return lightbox_; }
  viewers::View3DWidget* view3d() const { return view3d_; }

  // What the lightbox and the 3-D view show next.
  void set_underlay(std::shared_ptr<const neuro::Volume> volume);
  void set_overlay(std::shared_ptr<const neuro::Volume> volume, const viewers::LayerStyle& style);
  void clear_overlay();
  void set_overlay_style(const viewers::LayerStyle& style);
  void set_frame(int64_t frame);
  void set_cursor(const viewers::WorldPoint& world);

 signals:
  // A click in the lightbox moved the cursor.
  void cursor_moved(double x, double y, double z);

 private:
  void bring_up_to_date(int tab);

  struct Scene {
    std::shared_ptr<const neuro::Volume> underlay, overlay;
    std::optional<viewers::LayerStyle> style;
    int64_t frame = 0;
    std::optional<viewers::WorldPoint> cursor;
  };
  viewers::OrthoViewWidget* ortho_;
  viewers::LightboxWidget* lightbox_;
  viewers::View3DWidget* view3d_;
  Scene scene_;
  // Per tab (lightbox, 3-D): whether it shows scene_.
  bool lightbox_current_ = true, view3d_current_ = true;
};

}  // namespace gui
