#pragma once
// What a time-series chart shows, apart from how Qt draws it: seconds and
// volumes, event bands and the decoded-state timeline, and one colour per
// mental state shared by both. Pure C++ (no Qt), tested without a display.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "viewers/colormap.h"

namespace viewers {

// A span of time in one state: an event from events.tsv, or a window the
// decoder assigned to a state.
struct StateInterval {
  double onset = 0;     // seconds from the first volume
  double duration = 0;  // seconds
  std::string state;
};

// Volume v is acquired at v * TR seconds.
double seconds_of_volume(int volume, double tr_seconds);
// The volume nearest to a time, clamped to 0 .. volume_count - 1; -1 when
// there are no volumes. Throws std::invalid_argument for a TR <= 0.
int volume_at_seconds(double seconds, double tr_seconds, int volume_count);

// The first interval covering `seconds` (onset <= seconds < onset + duration).
std::optional<size_t> interval_at(const std::vector<StateInterval>& intervals, double seconds);

// Alpha of the event bands: light enough for the line to read through them.
inline constexpr uint8_t kBandAlpha = 70;

// One colour per state name, the same in the bands and in the timeline: the
// states of both lists sorted by name, coloured in turn from a qualitative
// palette (ColorBrewer Set1 without its yellow, then Dark2), opaque. Names
// beyond the palette's length wrap round.
std::map<std::string, Rgba> state_colours(const std::vector<StateInterval>& bands,
                                          const std::vector<StateInterval>& timeline);

// The palette's i-th colour (wrapping round).
Rgba state_palette_colour(size_t index);

// A band's fill: its state's colour at kBandAlpha.
Rgba band_colour(const std::map<std::string, Rgba>& colours, const std::string& state);

}  // namespace viewers
