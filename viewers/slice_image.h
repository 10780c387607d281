#pragma once
// The picture of one slice: the underlay's colours with the overlay blended
// on top by its alpha. Pure C++; the VTK scene only uploads the bytes.

#include <cstdint>
#include <span>
#include <vector>

#include "viewers/colormap.h"

namespace viewers {

// Where the underlay has no value (outside the image) the picture is black.
inline constexpr Rgba kBackground{0, 0, 0, 255};

// RGB bytes, one triple per value, in the order of `underlay` (the order of
// extract_slice: rows from the bottom). `overlay` is empty when there is none,
// otherwise one value per underlay value, sampled on the same slice layout.
std::vector<uint8_t> compose_slice(std::span<const float> underlay,
                                   const LayerStyle& underlay_style, std::span<const float> overlay,
                                   const LayerStyle& overlay_style);

}  // namespace viewers
