#pragma once
// Occlusion (Zeiler & Fergus 2014) of one logit per window: replace a group
// of inputs by a reference value and attribute the logit's drop,
// f(x) - f(x with the group occluded), to that group, spread evenly over its
// cells so that the group's relevance sums to the drop.
//  - parcels: group p = parcel p in every frame (each cell gets drop / L);
//  - time: group = a block of `block` consecutive frames, all parcels (the
//    last block may be shorter; each cell gets drop / (frames * P)).
// Targets are chosen at x and kept for the occluded inputs. No error (NaN).

#include <cstdint>

#include "core/attribution/explanation.h"

namespace core {

struct OcclusionOptions {
  float reference = 0.0f;  // the value an occluded cell takes (0: the z-scored mean)
  int64_t block = 1;       // frames per block (time occlusion), >= 1
};

// Throws std::invalid_argument("occlusion: ...") for block < 1 or a
// non-finite reference.
void validate(const OcclusionOptions& options);

Explanation explain_occlusion_parcels(WindowClassifier& model, const WindowBatch& batch,
                                      int target = kPredicted,
                                      const OcclusionOptions& options = {});
Explanation explain_occlusion_time(WindowClassifier& model, const WindowBatch& batch,
                                   int target = kPredicted, const OcclusionOptions& options = {});

}  // namespace core
