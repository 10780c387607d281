#include "viewers/time_series_model.h"

#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

namespace viewers {

double seconds_of_volume(int volume, double tr_seconds) {
  return volume * tr_seconds;
}

int volume_at_seconds(double seconds, double tr_seconds, int volume_count) {
  if (!(tr_seconds > 0)) {
    throw std::invalid_argument("time series: the TR must be positive, got " +
                                std::to_string(tr_seconds));
  }
  if (volume_count <= 0) return -1;
  if (!std::isfinite(seconds)) return seconds > 0 ? volume_count - 1 : 0;
  const double v = std::round(seconds / tr_seconds);
  if (v <= 0) return 0;
  if (v >= volume_count - 1) return volume_count - 1;
  return static_cast<int>(v);
}

std::optional<size_t> interval_at(const std::vector<StateInterval>& intervals, double seconds) {
  for (size_t i = 0; i < intervals.size(); ++i) {
    const StateInterval& s = intervals[i];
    if (seconds >= s.onset && seconds < s.onset + s.duration) return i;
  }
  return std::nullopt;
}

Rgba state_palette_colour(size_t index) {
  static constexpr std::array<Rgba, 15> kPalette{{
      {0xe4, 0x1a, 0x1c, 255},  // Set1: red
      {0x37, 0x7e, 0xb8, 255},  // blue
      {0x4d, 0xaf, 0x4a, 255},  // green
      {0x98, 0x4e, 0xa3, 255},  // purple
      {0xff, 0x7f, 0x00, 255},  // orange
      {0xa6, 0x56, 0x28, 255},  // brown
      {0xf7, 0x81, 0xbf, 255},  // pink
      {0x99, 0x99, 0x99, 255},  // grey
      {0x1b, 0x9e, 0x77, 255},  // Dark2: teal
      {0xd9, 0x5f, 0x02, 255},
      {0x75, 0x70, 0xb3, 255},
      {0xe7, 0x29, 0x8a, 255},
      {0x66, 0xa6, 0x1e, 255},
      {0xe6, 0xab, 0x02, 255},
      {0xa6, 0x76, 0x1d, 255},
  }};
  return kPalette[index % kPalette.size()];
}

std::map<std::string, Rgba> state_colours(const std::vector<StateInterval>& bands,
                                          const std::vector<StateInterval>& timeline) {
  std::set<std::string> names;
  for (const auto& b : bands)
    names.insert(b.state);
  for (const auto& t : timeline)
    names.insert(t.state);
  std::map<std::string, Rgba> colours;
  size_t i = 0;
  for (const std::string& name : names)
    colours[name] = state_palette_colour(i++);
  return colours;
}

Rgba band_colour(const std::map<std::string, Rgba>& colours, const std::string& state) {
  const auto found = colours.find(state);
  Rgba c = found != colours.end() ? found->second : state_palette_colour(0);
  c.a = kBandAlpha;
  return c;
}

}  // namespace viewers
