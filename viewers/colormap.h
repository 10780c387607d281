#pragma once
// Colour maps for brain images: a voxel value becomes an RGBA colour through a
// display range (what spans the map from its first to its last colour) and,
// for overlays, thresholds that hide small values whatever the display range.
// Pure C++: no VTK, no Qt, so it is tested without a display.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace viewers {

enum class ColormapName {
  kGrey,
  kHot,            // black, red, yellow, white
  kCold,           // black, blue, cyan, white
  kRedYellow,      // FSL's red-yellow, for positive statistics
  kBlueLightBlue,  // FSL's blue-lightblue, for negative statistics
  kRdBu,           // diverging: blue for low values, near-white middle, red for high
  kViridis,
};

// Every map, in the order menus list them.
const std::vector<ColormapName>& all_colormaps();
// "grey", "hot", "cold", "red-yellow", "blue-lightblue", "RdBu", "viridis".
std::string_view colormap_label(ColormapName name);
// The inverse of colormap_label, case-insensitive; nullopt for an unknown name.
std::optional<ColormapName> colormap_from_label(std::string_view label);

struct Rgba {
  uint8_t r = 0, g = 0, b = 0, a = 0;
  friend bool operator==(const Rgba&, const Rgba&) = default;
};

// The colour at position t in [0, 1] along a map (t outside is clamped), opaque.
Rgba colormap_at(ColormapName name, double t);

// The values mapped to the first and the last colour; values beyond are clamped.
// max < min runs the map backwards (a negative map drawn brightest where it is
// most negative).
struct DisplayRange {
  double min = 0;
  double max = 1;
};

// Overlay thresholds, apart from the display range: a positive value shows
// only when value >= positive, a negative one only when |value| >= negative.
// Zero never shows, so an overlay's background stays transparent.
struct Thresholds {
  double positive = 0;
  double negative = 0;
  bool hides(double value) const {
    if (value > 0) return value < positive;
    if (value < 0) return -value < negative;
    return true;
  }
};

// How one image layer is drawn.
struct LayerStyle {
  ColormapName colormap = ColormapName::kGrey;
  DisplayRange range;
  // nullopt: every finite value shows (underlays); set: the overlay rule above.
  std::optional<Thresholds> thresholds;
  double opacity = 1.0;  // [0, 1]
};

// The colour of one value under `style`: transparent (a = 0) for NaN, for
// values the thresholds hide, and for opacity 0; otherwise a = 255 * opacity.
Rgba map_value(double value, const LayerStyle& style);

// map_value over a buffer: `rgba` receives 4 bytes per value.
void map_values(std::span<const float> values, const LayerStyle& style, std::span<uint8_t> rgba);

// A display range that ignores outliers: the `low` and `high` quantiles of the
// finite, non-zero values (zero is background in brain images). {0, 1} when
// there is no such value; max > min always.
DisplayRange robust_range(std::span<const float> values, double low = 0.02, double high = 0.98);

// The style an overlay opens with: maps with both signs get RdBu over a range
// symmetric about zero with both thresholds at kTwoSidedThreshold of its
// largest magnitude; positive maps get hot over [0, max], negative maps cold
// from 0 to min, with thresholds at zero so every non-zero voxel shows.
inline constexpr double kTwoSidedThreshold = 0.05;
LayerStyle default_overlay_style(std::span<const float> values);

}  // namespace viewers
