#pragma once
// A 4-D series seen one frame at a time, whether it is held in memory as a
// Volume or converted frame by frame from an image's stored bytes: what
// extraction reads, so that a long run never exists twice in memory.

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "neuro/image/volume.h"

namespace neuro {

struct FrameSeries {
  Grid grid;
  int64_t frames = 0;
  double tr_seconds = 0;
  std::string source;  // the file, for error messages ("" when in memory)
  // Frame t, [Z][Y][X]; valid until the next call.
  std::function<std::span<const float>(int64_t t)> frame;
};

// A view of a volume held in memory; the volume must outlive the view.
FrameSeries frames_of(const Volume& volume);

}  // namespace neuro
