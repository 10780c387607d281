#pragma once
// How the views letter their scenes: the anatomical letters at the edges of
// a slice, the depth captions, the colour bar's ticks. Internal to the views'
// implementations.

#include <array>

#include <vtkTextProperty.h>  // VTK_TEXT_LEFT and its kin

class vtkTextActor;

namespace viewers {

// Where a label's position is measured: pixels of its renderer's viewport,
// or fractions of it (so that it stays at an edge as the viewport resizes).
enum class LabelUnits { kViewportPixels, kViewportFraction };

struct LabelLook {
  int font_size = 12;
  // Pale yellow reads on both the black margins and the grey of a slice.
  std::array<double, 3> colour{0.95, 0.95, 0.6};
  bool bold = false;
  bool shadow = true;
  int horizontal = VTK_TEXT_LEFT;
  int vertical = VTK_TEXT_BOTTOM;
  LabelUnits units = LabelUnits::kViewportPixels;
};

void set_look(vtkTextActor* label, const LabelLook& look);

}  // namespace viewers
