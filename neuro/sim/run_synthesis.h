#pragma once
// One simulated BOLD run: region signals first (shared networks, the task's
// activations through the HRF, region-specific fluctuations), then every
// brain voxel painted from its region's signal with its own noise, drift,
// physiological fluctuation, spikes and motion artefact. The confounds are
// measured from the painted data, as fMRIPrep measures them.

#include <cstdint>
#include <string>
#include <vector>

#include "neuro/bids/events.h"
#include "neuro/image/volume.h"
#include "neuro/signal/confounds.h"
#include "neuro/sim/network_dynamics.h"
#include "neuro/sim/noise.h"
#include "neuro/sim/sim_options.h"
#include "neuro/sim/sim_space.h"
#include "neuro/sim/sim_streams.h"
#include "neuro/sim/subject_model.h"

namespace neuro {

struct RunPlan {
  RunKind kind = RunKind::kRest;
  int run = 1;       // from 1, counted separately for rest and task runs
  std::string task;  // BIDS task label
  int64_t frames = 0;
  DesignKind design = DesignKind::kBlock;  // block or event (task runs only)
};

struct SynthesizedRun {
  Volume bold;                     // [T][Z][Y][X], float32, TR set
  ConfoundTable confounds;         // [T, C] as fMRIPrep names them
  std::vector<Event> events;       // task runs only
  std::vector<double> regressors;  // [T, S] each state's HRF-convolved design, unit amplitude
  std::vector<int64_t> spike_frames;
  MotionTrace motion;
};

// Frames whose framewise displacement exceeds this are flagged in
// motion_outlierNN columns, fMRIPrep's default threshold.
inline constexpr double kMotionOutlierMm = 0.5;

SynthesizedRun synthesize_run(const SimSpace& space, const VoxelLayout& layout,
                              const NetworkModel& networks, const SubjectModel& subject,
                              const RunPlan& plan, const SimulationOptions& options);

}  // namespace neuro
