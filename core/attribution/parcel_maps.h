#pragma once
// From relevance over windows [B, L, P] to maps over parcels, the step before
// the inverse atlas map puts them into brain space: each window's relevance
// summed over its frames, and per state the mean of those over the windows
// the model decoded correctly.

#include <cstdint>
#include <span>
#include <vector>

#include "core/tensor/tensor.h"

namespace core {

// Sum over frames, in double: [B, L, P] -> [B, P]. Throws
// std::invalid_argument for a tensor of another rank.
Tensor parcel_relevance(const Tensor& relevance);

struct StateParcelMaps {
  Tensor mean;                   // [C, P]; NaN rows for states with no correct window
  std::vector<int64_t> windows;  // [C]: correctly decoded windows averaged per state
};

// Per state k, the mean parcel relevance of windows b with truth[b] = k and
// predicted[b] = k. truth[b] < 0 marks an unlabelled window (skipped).
// Throws std::invalid_argument for spans not of length B, states < 1, or a
// label >= states (or a negative prediction).
StateParcelMaps state_parcel_maps(const Tensor& relevance, std::span<const int> predicted,
                                  std::span<const int> truth, int states);

// Per state, the mean relevance at each frame of the window over the
// correctly decoded windows, added chunk by chunk so that every window's
// relevance at every frame is never held at once.
class StateFrameMaps {
 public:
  // Throws std::invalid_argument for states < 1 or an empty frame or parcel count.
  StateFrameMaps(int states, int64_t frames, int64_t parcels);
  // relevance [B, L, P]; the same rules and errors as state_parcel_maps.
  void add(const Tensor& relevance, std::span<const int> predicted, std::span<const int> truth);
  // [C, L, P]; NaN for states with no correct window.
  Tensor mean() const;
  const std::vector<int64_t>& windows() const { return windows_; }

 private:
  int states_;
  int64_t frames_, parcels_;
  std::vector<double> sum_;  // [C, L, P]
  std::vector<int64_t> windows_;
};

}  // namespace core
