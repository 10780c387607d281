#include "neuro/image/frame_series.h"

namespace neuro {

FrameSeries frames_of(const Volume& volume) {
  return {volume.grid(), volume.frames(), volume.tr_seconds(), volume.source(),
          [&volume](int64_t t) { return volume.frame(t); }};
}

}  // namespace neuro
