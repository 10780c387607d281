#pragma once
// Windows of consecutive frames: the samples a decoder is trained and tested
// on. Either every frame of a window has its state (kWhole: the label is
// unambiguous, as block designs give), or a window takes the state of its last
// frame whatever the frames before it show (kLastFrame: event-related designs,
// whose states hold for a few frames only, still give windows of the length
// a sequence model reads, ending where the response is).

#include <cstdint>
#include <span>
#include <vector>

#include "neuro/series/parcel_series.h"

namespace neuro {

// kAuto is the decoders' choice over a whole dataset (kWhole unless
// kLastFrame keeps more states); labelled_windows needs it resolved.
enum class WindowLabelling { kAuto, kWhole, kLastFrame };

struct WindowSpec {
  int64_t length = 5;  // frames per window
  int64_t stride = 5;  // frames between window starts (== length: no overlap)
  WindowLabelling labelling = WindowLabelling::kWhole;

  bool operator==(const WindowSpec&) const = default;
};

struct LabelledWindow {
  int64_t start = 0;  // first frame
  int state = 0;      // index into the run's state list
};

// Frame labels < 0 are unlabelled. kWhole: windows start at each labelled
// block's first frame and step by `stride` while they fit inside the block.
// kLastFrame: windows end at each labelled block's last frame and step back
// by `stride` while they end inside the block and start at frame 0 or later.
// Windows come in order of their first frame.
std::vector<LabelledWindow> labelled_windows(std::span<const int> frame_labels,
                                             const WindowSpec& spec);

// The mean parcel vector of each window: [W, P].
std::vector<float> window_means(const ParcelSeries& series, std::span<const LabelledWindow> windows,
                                int64_t length);

}  // namespace neuro
