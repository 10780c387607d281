#pragma once
// The VTK side of an overlay's colour bar: a renderer over the panel at the
// right of the window holding the strip (drawn pixel for pixel) and its
// labels. Shared by the views that show overlays; not part of the public
// headers, which keep VTK out.

#include <memory>

#include "viewers/colorbar.h"

class vtkRenderWindow;

namespace viewers {

class ColorbarActors {
 public:
  // Adds the bar's renderer to `window`, which must outlive it; hidden until
  // shown.
  explicit ColorbarActors(vtkRenderWindow* window);
  ~ColorbarActors();
  ColorbarActors(const ColorbarActors&) = delete;
  ColorbarActors& operator=(const ColorbarActors&) = delete;

  // Draws the bar of `style` in a window of width x height device pixels.
  void show(const LayerStyle& style, int width, int height);
  void hide();
  // show() when `visible`, else hide().
  void show_or_hide(bool visible, const LayerStyle& style, int width, int height);

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace viewers
