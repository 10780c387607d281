#include "viewers/colorbar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace viewers {

std::string tick_text(double value) {
  if (std::abs(value) < 1e-12) value = 0;  // no "-0"
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

Colorbar colorbar_of(const LayerStyle& style) {
  Colorbar bar;
  bar.bottom_value = std::min(style.range.min, style.range.max);
  bar.top_value = std::max(style.range.min, style.range.max);
  const double span = bar.top_value - bar.bottom_value;
  bar.ticks.push_back({bar.bottom_value, 0.0, tick_text(bar.bottom_value)});
  // A map with both signs shows where its negative branch ends.
  if (bar.bottom_value < 0 && bar.top_value > 0 && span > 0) {
    bar.ticks.push_back({0.0, -bar.bottom_value / span, "0"});
  }
  if (span > 0) bar.ticks.push_back({bar.top_value, 1.0, tick_text(bar.top_value)});
  return bar;
}

Rgba colorbar_colour(const LayerStyle& style, double fraction) {
  const Colorbar bar = colorbar_of(style);
  const double t = std::clamp(fraction, 0.0, 1.0);
  LayerStyle plain = style;
  plain.thresholds.reset();
  plain.opacity = 1.0;
  return map_value(bar.bottom_value + t * (bar.top_value - bar.bottom_value), plain);
}

std::vector<uint8_t> colorbar_strip(const LayerStyle& style, int width, int height) {
  const auto w = static_cast<size_t>(std::max(width, 0));
  const auto h = static_cast<size_t>(std::max(height, 0));
  std::vector<uint8_t> rgb(w * h * 3);
  for (size_t r = 0; r < h; ++r) {
    const Rgba c = colorbar_colour(style, (static_cast<double>(r) + 0.5) / static_cast<double>(h));
    for (size_t x = 0; x < w; ++x) {
      uint8_t* out = &rgb[(r * w + x) * 3];
      out[0] = c.r;
      out[1] = c.g;
      out[2] = c.b;
    }
  }
  return rgb;
}

ViewRect colorbar_strip_rect(int window_width, int window_height) {
  const int height = std::max(1, static_cast<int>(std::lround(window_height * 0.7)));
  const int panel_x = std::max(0, window_width - kColorbarPanelWidth);
  return {panel_x + 10, (window_height - height) / 2, 14, height};
}

}  // namespace viewers
