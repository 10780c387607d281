#pragma once
// Random stream identifiers of the simulator. Every (purpose, subject, run)
// has its own Philox stream, so a dataset is the same whatever order its
// parts are generated in, and adding a subject or a run leaves the others
// untouched.

#include <cstdint>

namespace neuro {

enum class SimPurpose : uint64_t {
  kNetworkModel = 1,   // group: network process and loadings
  kSubjectLoadings,    // subject: jitter of the loadings
  kSubjectActivation,  // subject: amplitude, extent and shift of activations
  kSubjectVoxelGain,   // subject: per-voxel gain of network signals
  kSubjectTraits,      // subject: motion level, intensity
  kRunNetworks,        // run: network innovations
  kRunRegionNoise,     // run: region-specific fluctuations
  kRunDesign,          // run: order and timing of trials
  kRunSpikes,          // run: which frames spike and how much
  kRunMotion,          // run: head motion
  kRunPhysiology,      // run: global physiological fluctuation
  kRunDrift,           // run: per-voxel drift coefficients
  kRunVoxelNoise,      // run: per-voxel AR(1) noise
};

enum class RunKind : uint64_t { kNone = 0, kRest = 1, kTask = 2 };

// purpose in bits 40.., subject (from 1; 0 for the group) in bits 20..39,
// run kind in bits 16..19, run number in bits 0..15.
inline uint64_t sim_stream(SimPurpose purpose, int subject = 0, RunKind kind = RunKind::kNone,
                           int run = 0) {
  return (static_cast<uint64_t>(purpose) << 40) | (static_cast<uint64_t>(subject) << 20) |
         (static_cast<uint64_t>(kind) << 16) | static_cast<uint64_t>(run);
}

}  // namespace neuro
