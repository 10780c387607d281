#include "neuro/series/labelled_windows.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace neuro {

std::vector<LabelledWindow> labelled_windows(std::span<const int> labels, const WindowSpec& spec) {
  if (spec.length < 1 || spec.stride < 1) {
    throw std::invalid_argument("windows: length and stride must be at least 1 frame");
  }
  if (spec.labelling == WindowLabelling::kAuto) {
    throw std::invalid_argument("windows: choose whole or last-frame labelling first");
  }
  std::vector<LabelledWindow> windows;
  const auto n = static_cast<int64_t>(labels.size());
  int64_t block_start = 0;
  while (block_start < n) {
    const int state = labels[static_cast<size_t>(block_start)];
    int64_t block_end = block_start;
    while (block_end < n && labels[static_cast<size_t>(block_end)] == state)
      ++block_end;
    if (state >= 0 && spec.labelling == WindowLabelling::kWhole) {
      for (int64_t s = block_start; s + spec.length <= block_end; s += spec.stride) {
        windows.push_back({s, state});
      }
    } else if (state >= 0) {
      const size_t first = windows.size();
      for (int64_t end = block_end - 1; end >= block_start; end -= spec.stride) {
        const int64_t s = end - spec.length + 1;
        if (s < 0) break;
        windows.push_back({s, state});
      }
      std::reverse(windows.begin() + static_cast<std::ptrdiff_t>(first), windows.end());
    }
    block_start = block_end;
  }
  return windows;
}

std::vector<float> window_means(const ParcelSeries& series, std::span<const LabelledWindow> windows,
                                int64_t length) {
  const int64_t p = series.parcels;
  std::vector<float> means(windows.size() * static_cast<size_t>(p));
  std::vector<double> sum(static_cast<size_t>(p));
  for (size_t w = 0; w < windows.size(); ++w) {
    const int64_t start = windows[w].start;
    if (start < 0 || start + length > series.frames) {
      throw std::out_of_range("windows: window at frame " + std::to_string(start) +
                              " runs past the series (" + std::to_string(series.frames) +
                              " frames)");
    }
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t t = start; t < start + length; ++t) {
      for (int64_t j = 0; j < p; ++j)
        sum[static_cast<size_t>(j)] += series.at(t, j);
    }
    for (int64_t j = 0; j < p; ++j) {
      means[w * static_cast<size_t>(p) + static_cast<size_t>(j)] =
          static_cast<float>(sum[static_cast<size_t>(j)] / static_cast<double>(length));
    }
  }
  return means;
}

}  // namespace neuro
