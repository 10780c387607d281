#pragma once
// The nuisance part of simulated fMRI: head motion with its six realignment
// parameters and framewise displacement, sudden spikes, slow scanner drift
// and temporally autocorrelated (AR(1)) noise. Each generator takes its own
// random stream, so that one kind of noise never shifts another.

#include <cstdint>
#include <span>
#include <vector>

#include "core/random/philox.h"

namespace neuro {

struct MotionOptions {
  double persistence = 0.97;          // AR(1) coefficient of each parameter from frame to frame
  double translation_step_mm = 0.03;  // SD of the innovation of trans_x, trans_y, trans_z
  double rotation_step_rad = 0.0005;  // SD of the innovation of rot_x, rot_y, rot_z
  double spike_translation_mm = 1.2;  // typical size of the jerk at a spike frame
  double spike_rotation_rad = 0.012;
  double head_radius_mm = 50.0;  // turns rotations into displacement (Power et al. 2012)
};

// Realignment parameters as fMRIPrep reports them.
struct MotionTrace {
  int64_t frames = 0;
  std::vector<double>
      parameters;  // [T, 6]: trans_x, trans_y, trans_z (mm), rot_x, rot_y, rot_z (rad)
  std::vector<double> framewise_displacement;  // [T] in mm; frame 0 has none and holds 0
};

// Frames hit by a spike: each frame from 1 on with probability `rate`,
// drawn independently, ascending.
std::vector<int64_t> draw_spike_frames(int64_t frames, double rate, core::RandomStream& random);

// Slow AR(1) wander of the six parameters, scaled by `scale` (how much this
// subject moves), plus a transient jerk at each spike frame: the head jumps
// at the spike and is back on the next frame, so the displacement is large
// at both.
MotionTrace simulate_motion(int64_t frames, std::span<const int64_t> spike_frames, double scale,
                            const MotionOptions& options, core::RandomStream& random);

// Power's framewise displacement: |d trans| summed plus |d rot| summed times
// the head radius. [T], 0 at frame 0.
std::vector<double> framewise_displacement(std::span<const double> parameters, int64_t frames,
                                           double head_radius_mm);

// A discrete cosine basis of slow drifts, [T, order]: column k (from 1) is
// cos(pi k (t + 0.5) / T), the same set SPM uses for high-pass filtering.
std::vector<double> cosine_drift_basis(int64_t frames, int order);

// One stationary AR(1) series, [T]: x_t = phi x_{t-1} + sqrt(1 - phi^2) sd e_t,
// started from the stationary distribution.
std::vector<double> ar1_series(int64_t frames, double phi, double sd, core::RandomStream& random);

// Many independent AR(1) series stepped together, one value per series per
// call: the per-voxel noise of a run written frame by frame.
class Ar1Field {
 public:
  Ar1Field(size_t series, double phi, double sd, uint64_t seed, uint64_t stream);
  // Fills `out` (one value per series) with the next frame of every series.
  void next(std::span<float> out);
  size_t size() const { return state_.size(); }

 private:
  double phi_;
  double innovation_sd_;
  core::RandomStream random_;
  std::vector<double> state_;
};

}  // namespace neuro
