#include "viewers/slice_image.h"

#include <stdexcept>

namespace viewers {

std::vector<uint8_t> compose_slice(std::span<const float> underlay,
                                   const LayerStyle& underlay_style, std::span<const float> overlay,
                                   const LayerStyle& overlay_style) {
  if (!overlay.empty() && overlay.size() != underlay.size()) {
    throw std::invalid_argument("compose_slice: the overlay slice has " +
                                std::to_string(overlay.size()) + " values, the underlay " +
                                std::to_string(underlay.size()));
  }
  std::vector<uint8_t> under(underlay.size() * 4);
  map_values(underlay, underlay_style, under);
  std::vector<uint8_t> over;
  if (!overlay.empty()) {
    over.resize(overlay.size() * 4);
    map_values(overlay, overlay_style, over);
  }
  std::vector<uint8_t> rgb(underlay.size() * 3);
  for (size_t i = 0; i < underlay.size(); ++i) {
    const uint8_t* u = &under[i * 4];
    // The underlay's own alpha (its opacity) fades it into the background.
    int r = (u[0] * u[3] + kBackground.r * (255 - u[3]) + 127) / 255;
    int g = (u[1] * u[3] + kBackground.g * (255 - u[3]) + 127) / 255;
    int b = (u[2] * u[3] + kBackground.b * (255 - u[3]) + 127) / 255;
    if (!over.empty()) {
      const uint8_t* o = &over[i * 4];
      r = (o[0] * o[3] + r * (255 - o[3]) + 127) / 255;
      g = (o[1] * o[3] + g * (255 - o[3]) + 127) / 255;
      b = (o[2] * o[3] + b * (255 - o[3]) + 127) / 255;
    }
    rgb[i * 3 + 0] = static_cast<uint8_t>(r);
    rgb[i * 3 + 1] = static_cast<uint8_t>(g);
    rgb[i * 3 + 2] = static_cast<uint8_t>(b);
  }
  return rgb;
}

}  // namespace viewers
