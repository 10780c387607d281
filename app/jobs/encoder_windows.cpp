#include "app/jobs/encoder_windows.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/random/philox.h"

namespace jobs {

namespace {
constexpr uint64_t kWindowStream = 0x57494E44u;  // "WIND"
}

core::WindowBatch sample_windows(std::span<const RunSeries> runs, int64_t batch, int64_t frames,
                                 uint64_t seed, uint64_t step) {
  std::vector<int64_t> cumulative;  // windows held by runs [0, i]
  int64_t total = 0;
  for (const auto& r : runs) {
    total += std::max<int64_t>(0, r.series.frames - frames + 1);
    cumulative.push_back(total);
  }
  if (total == 0) {
    throw std::runtime_error("no run has " + std::to_string(frames) +
                             " frames: nothing to pretrain on");
  }
  const int64_t p = runs.front().series.parcels;
  core::WindowBatch out;
  out.x = core::Tensor({batch, frames, p});
  out.seconds = core::Tensor({batch, frames});
  core::RandomStream rng(seed ^ (step * 0xD1B54A32D192ED03ull), kWindowStream);
  for (int64_t b = 0; b < batch; ++b) {
    const auto pick = static_cast<int64_t>(rng.below(static_cast<uint64_t>(total)));
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
    const auto& run = runs[static_cast<size_t>(it - cumulative.begin())];
    const int64_t start = pick - (it == cumulative.begin() ? 0 : *(it - 1));
    std::copy_n(run.series.values.data() + start * p, frames * p, out.x.data() + b * frames * p);
    for (int64_t t = 0; t < frames; ++t)
      out.seconds.data()[b * frames + t] =
          static_cast<float>(run.series.tr_seconds * static_cast<double>(t));
  }
  return out;
}

core::WindowBatch gather_windows(std::span<const WindowRef> refs, std::span<const size_t> indices,
                                 int64_t frames) {
  const auto b = static_cast<int64_t>(indices.size());
  const int64_t p = refs.empty() ? 0 : refs.front().run->series.parcels;
  core::WindowBatch out;
  out.x = core::Tensor({b, frames, p});
  out.seconds = core::Tensor({b, frames});
  for (int64_t i = 0; i < b; ++i) {
    const WindowRef& w = refs[indices[static_cast<size_t>(i)]];
    const auto& s = w.run->series;
    if (w.start + frames > s.frames) throw std::logic_error("window runs past its run");
    std::copy_n(s.values.data() + w.start * p, frames * p, out.x.data() + i * frames * p);
    for (int64_t t = 0; t < frames; ++t)
      out.seconds.data()[i * frames + t] =
          static_cast<float>(s.tr_seconds * static_cast<double>(t));
  }
  return out;
}

core::WindowBatch gather_windows(std::span<const WindowRef> refs, int64_t frames) {
  std::vector<size_t> all(refs.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  return gather_windows(refs, all, frames);
}

}  // namespace jobs
