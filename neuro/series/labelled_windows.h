#pragma once
// Windows of consecutive frames that share one mental state: the samples a
// decoder is trained and tested on. A window never spans two states or an
// unlabelled frame, so its label is unambiguous.

#include <cstdint>
#include <span>
#include <vector>

#include "neuro/series/parcel_series.h"

namespace neuro {

struct WindowSpec {
  int64_t length = 5;  // frames per window
  int64_t stride = 5;  // frames between window starts (== length: no overlap)
};

struct LabelledWindow {
  int64_t start = 0;  // first frame
  int state = 0;      // index into the run's state list
};

// Frame labels < 0 are unlabelled. Windows start at each labelled block's
// first frame and step by `stride` while they fit inside the block.
std::vector<LabelledWindow> labelled_windows(std::span<const int> frame_labels,
                                             const WindowSpec& spec);

// The mean parcel vector of each window: [W, P].
std::vector<float> window_means(const ParcelSeries& series, std::span<const LabelledWindow> windows,
                                int64_t length);

}  // namespace neuro
