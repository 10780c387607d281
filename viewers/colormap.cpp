#include "viewers/colormap.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace viewers {
namespace {

struct Stop {
  double t;
  double r, g, b;  // [0, 1]
};

// Piecewise-linear maps as control points. The diverging and perceptual maps
// are ColorBrewer's RdBu (11 classes, reversed so high values are red as brain
// maps expect) and matplotlib's viridis sampled at nine points.
std::span<const Stop> stops_of(ColormapName name) {
  static constexpr Stop kGrey[] = {{0, 0, 0, 0}, {1, 1, 1, 1}};
  static constexpr Stop kHot[] = {
      {0, 0, 0, 0}, {1.0 / 3, 1, 0, 0}, {2.0 / 3, 1, 1, 0}, {1, 1, 1, 1}};
  static constexpr Stop kCold[] = {
      {0, 0, 0, 0}, {1.0 / 3, 0, 0, 1}, {2.0 / 3, 0, 1, 1}, {1, 1, 1, 1}};
  static constexpr Stop kRedYellow[] = {{0, 1, 0, 0}, {1, 1, 1, 0}};
  static constexpr Stop kBlueLightBlue[] = {{0, 0, 0, 1}, {1, 0, 1, 1}};
  static constexpr auto c = [](int v) { return v / 255.0; };
  static constexpr Stop kRdBu[] = {
      {0.0, c(0x05), c(0x30), c(0x61)}, {0.1, c(0x21), c(0x66), c(0xac)},
      {0.2, c(0x43), c(0x93), c(0xc3)}, {0.3, c(0x92), c(0xc5), c(0xde)},
      {0.4, c(0xd1), c(0xe5), c(0xf0)}, {0.5, c(0xf7), c(0xf7), c(0xf7)},
      {0.6, c(0xfd), c(0xdb), c(0xc7)}, {0.7, c(0xf4), c(0xa5), c(0x82)},
      {0.8, c(0xd6), c(0x60), c(0x4d)}, {0.9, c(0xb2), c(0x18), c(0x2b)},
      {1.0, c(0x67), c(0x00), c(0x1f)}};
  static constexpr Stop kViridis[] = {
      {0.000, c(0x44), c(0x01), c(0x54)}, {0.125, c(0x47), c(0x2c), c(0x7a)},
      {0.250, c(0x3b), c(0x51), c(0x8b)}, {0.375, c(0x2c), c(0x71), c(0x8e)},
      {0.500, c(0x21), c(0x90), c(0x8d)}, {0.625, c(0x27), c(0xad), c(0x81)},
      {0.750, c(0x5c), c(0xc8), c(0x63)}, {0.875, c(0xaa), c(0xdc), c(0x32)},
      {1.000, c(0xfd), c(0xe7), c(0x25)}};
  switch (name) {
    case ColormapName::kGrey:
      return kGrey;
    case ColormapName::kHot:
      return kHot;
    case ColormapName::kCold:
      return kCold;
    case ColormapName::kRedYellow:
      return kRedYellow;
    case ColormapName::kBlueLightBlue:
      return kBlueLightBlue;
    case ColormapName::kRdBu:
      return kRdBu;
    case ColormapName::kViridis:
      return kViridis;
  }
  throw std::invalid_argument("colormap: unknown map");
}

uint8_t to_byte(double v) {
  return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
}

// Precomputed colours so that mapping a slice costs a lookup per voxel.
struct Table {
  static constexpr int kSize = 1024;
  std::array<Rgba, kSize> colours;
  explicit Table(ColormapName name) {
    for (int i = 0; i < kSize; ++i)
      colours[static_cast<size_t>(i)] = colormap_at(name, i / double(kSize - 1));
  }
  const Rgba& at(double t) const {
    const double clamped = std::clamp(t, 0.0, 1.0);
    return colours[static_cast<size_t>(std::lround(clamped * (kSize - 1)))];
  }
};

const Table& table_of(ColormapName name) {
  static const std::array<Table, 7> tables{
      Table(ColormapName::kGrey),          Table(ColormapName::kHot),
      Table(ColormapName::kCold),          Table(ColormapName::kRedYellow),
      Table(ColormapName::kBlueLightBlue), Table(ColormapName::kRdBu),
      Table(ColormapName::kViridis)};
  return tables[static_cast<size_t>(name)];
}

double position_in(const DisplayRange& range, double value) {
  const double span = range.max - range.min;
  if (span == 0 || !std::isfinite(span)) return value >= range.max ? 1.0 : 0.0;
  return (value - range.min) / span;
}

}  // namespace

const std::vector<ColormapName>& all_colormaps() {
  static const std::vector<ColormapName> names{
      ColormapName::kGrey,      ColormapName::kHot,           ColormapName::kCold,
      ColormapName::kRedYellow, ColormapName::kBlueLightBlue, ColormapName::kRdBu,
      ColormapName::kViridis};
  return names;
}

std::string_view colormap_label(ColormapName name) {
  switch (name) {
    case ColormapName::kGrey:
      return "grey";
    case ColormapName::kHot:
      return "hot";
    case ColormapName::kCold:
      return "cold";
    case ColormapName::kRedYellow:
      return "red-yellow";
    case ColormapName::kBlueLightBlue:
      return "blue-lightblue";
    case ColormapName::kRdBu:
      return "RdBu";
    case ColormapName::kViridis:
      return "viridis";
  }
  return "grey";
}

std::optional<ColormapName> colormap_from_label(std::string_view label) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& ch : out)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
  };
  const std::string wanted = lower(label);
  for (ColormapName name : all_colormaps()) {
    if (lower(colormap_label(name)) == wanted) return name;
  }
  if (wanted == "gray") return ColormapName::kGrey;
  return std::nullopt;
}

Rgba colormap_at(ColormapName name, double t) {
  const auto stops = stops_of(name);
  t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
  size_t hi = 1;
  while (hi + 1 < stops.size() && stops[hi].t < t)
    ++hi;
  const Stop& a = stops[hi - 1];
  const Stop& b = stops[hi];
  const double w = b.t > a.t ? std::clamp((t - a.t) / (b.t - a.t), 0.0, 1.0) : 0.0;
  return {to_byte(a.r + w * (b.r - a.r)), to_byte(a.g + w * (b.g - a.g)),
          to_byte(a.b + w * (b.b - a.b)), 255};
}

Rgba map_value(double value, const LayerStyle& style) {
  if (!std::isfinite(value)) return {};
  if (style.thresholds && style.thresholds->hides(value)) return {};
  Rgba colour = table_of(style.colormap).at(position_in(style.range, value));
  colour.a = to_byte(style.opacity);
  return colour;
}

void map_values(std::span<const float> values, const LayerStyle& style, std::span<uint8_t> rgba) {
  if (rgba.size() < values.size() * 4) {
    throw std::invalid_argument("map_values: the RGBA buffer holds fewer than 4 bytes per value");
  }
  const Table& table = table_of(style.colormap);
  const uint8_t alpha = to_byte(style.opacity);
  const double span = style.range.max - style.range.min;
  const bool flat = span == 0 || !std::isfinite(span);
  const double scale = flat ? 0.0 : 1.0 / span;
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    uint8_t* out = &rgba[i * 4];
    if (!std::isfinite(v) || (style.thresholds && style.thresholds->hides(v))) {
      out[0] = out[1] = out[2] = out[3] = 0;
      continue;
    }
    const double t = flat ? (v >= style.range.max ? 1.0 : 0.0) : (v - style.range.min) * scale;
    const Rgba& c = table.at(t);
    out[0] = c.r;
    out[1] = c.g;
    out[2] = c.b;
    out[3] = alpha;
  }
}

DisplayRange robust_range(std::span<const float> values, double low, double high) {
  std::vector<float> kept;
  kept.reserve(values.size());
  for (float v : values) {
    if (std::isfinite(v) && v != 0.0f) kept.push_back(v);
  }
  if (kept.empty()) return {0, 1};
  const auto quantile = [&](double q) {
    const auto n = static_cast<double>(kept.size() - 1);
    const auto k = static_cast<std::ptrdiff_t>(std::lround(std::clamp(q, 0.0, 1.0) * n));
    std::nth_element(kept.begin(), kept.begin() + k, kept.end());
    return static_cast<double>(kept[static_cast<size_t>(k)]);
  };
  DisplayRange range{quantile(low), quantile(high)};
  if (!(range.max > range.min)) {
    const auto [lo, hi] = std::minmax_element(kept.begin(), kept.end());
    range = {*lo, *hi};
    if (!(range.max > range.min)) range = {range.min - 0.5, range.min + 0.5};
  }
  return range;
}

LayerStyle default_overlay_style(std::span<const float> values) {
  double lo = 0, hi = 0;
  for (float v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, static_cast<double>(v));
    hi = std::max(hi, static_cast<double>(v));
  }
  LayerStyle style;
  style.thresholds = Thresholds{};
  style.opacity = 1.0;
  if (lo < 0 && hi > 0) {
    const double m = std::max(-lo, hi);
    style.colormap = ColormapName::kRdBu;
    style.range = {-m, m};
    // RdBu is near-white round zero: shown, the weakest values would veil the
    // anatomy without saying anything.
    style.thresholds = Thresholds{kTwoSidedThreshold * m, kTwoSidedThreshold * m};
  } else if (lo < 0) {
    // Reversed so that the strongest negative values are the brightest.
    style.colormap = ColormapName::kCold;
    style.range = {0, lo};
  } else {
    style.colormap = ColormapName::kHot;
    style.range = {0, hi > 0 ? hi : 1};
  }
  return style;
}

}  // namespace viewers
