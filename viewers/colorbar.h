#pragma once
// The colour bar of an overlay: a vertical strip showing its colour map over
// its display range, smaller values at the bottom, with the values of the
// ends (and of zero, for a map with both signs) written beside it. Pure C++:
// the VTK scene only uploads the strip and places the labels.

#include <cstdint>
#include <string>
#include <vector>

#include "viewers/colormap.h"
#include "viewers/view_layout.h"

namespace viewers {

// Pixels a view layout leaves free at the right of the window for the bar and
// its labels, when an overlay is shown.
inline constexpr int kColorbarPanelWidth = 76;

struct ColorbarTick {
  double value = 0;
  double fraction = 0;  // height along the strip: 0 bottom, 1 top
  std::string text;     // "-4.5", "0", "12"
};

struct Colorbar {
  double bottom_value = 0;  // the smaller end of the display range
  double top_value = 1;
  std::vector<ColorbarTick> ticks;  // from the bottom up
};

// The bar of `style`. A reversed range (max < min, as a negative map's) still
// reads upwards: the most negative value at the bottom, in its own colour.
Colorbar colorbar_of(const LayerStyle& style);

// The colour of the strip at `fraction` of its height, through the colour
// map's own lookup (map_value) without thresholds, opaque.
Rgba colorbar_colour(const LayerStyle& style, double fraction);

// The strip as RGB bytes, width x height pixels, rows from the bottom (as
// extract_slice orders them); row r holds the colour at the row's centre,
// fraction (r + 0.5) / height.
std::vector<uint8_t> colorbar_strip(const LayerStyle& style, int width, int height);

// Where the strip sits in a window (display pixels, origin bottom-left): in
// the right-hand panel of kColorbarPanelWidth pixels, centred vertically over
// 70 % of the height.
ViewRect colorbar_strip_rect(int window_width, int window_height);

// "%.3g" without trailing noise: 12, -4.5, 0.0032.
std::string tick_text(double value);

}  // namespace viewers
