#pragma once
// Windows of parcel series as encoder batches: random windows from every run
// for pretraining, and the labelled windows of chosen runs for decoding.

#include <cstdint>
#include <span>
#include <vector>

#include "app/jobs/run_series.h"
#include "core/models/encoder.h"

namespace jobs {

// `batch` windows of `frames` frames, drawn from (seed, step) alone: a run
// with probability proportional to the windows it holds, then a start. Runs
// shorter than `frames` are never drawn; throws std::runtime_error when none
// is long enough.
core::WindowBatch sample_windows(std::span<const RunSeries> runs, int64_t batch, int64_t frames,
                                 uint64_t seed, uint64_t step);

// One labelled window of a run.
struct WindowRef {
  const RunSeries* run = nullptr;
  int64_t start = 0;
  int state = 0;
  int subject = 0;  // index into the job's subject list
};

// The windows `refs[i]`, in order: x [B, frames, P], seconds from each run's TR.
core::WindowBatch gather_windows(std::span<const WindowRef> refs, int64_t frames);

// The same for the windows at `indices` of `refs`.
core::WindowBatch gather_windows(std::span<const WindowRef> refs, std::span<const size_t> indices,
                                 int64_t frames);

}  // namespace jobs
