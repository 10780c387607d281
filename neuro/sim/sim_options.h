#pragma once
// Everything that decides a simulated dataset. Together with the seed these
// options reproduce it byte for byte.

#include <cstdint>
#include <filesystem>
#include <string>

#include "neuro/sim/network_dynamics.h"
#include "neuro/sim/noise.h"
#include "neuro/sim/sim_space.h"
#include "neuro/sim/task_design.h"

namespace neuro {

// Sizes of the nuisance signals, in percent of a voxel's baseline intensity
// unless said otherwise.
struct NoiseOptions {
  double voxel_sd = 1.5;          // thermal noise of each voxel
  double voxel_ar1 = 0.3;         // its frame-to-frame autocorrelation, [0, 1)
  double region_sd = 0.4;         // fluctuations of each region not shared through networks
  double drift_sd = 1.0;          // slow drift: SD of each voxel's cosine coefficients
  int drift_order = 3;            // number of cosine drift terms
  double physiological_sd = 1.0;  // a global fluctuation, strongest in CSF
  double motion_scale = 1.0;      // multiplies head motion (0: still heads)
  double motion_artifact = 1.0;   // how strongly motion changes intensities (0: not at all)
  double spike_rate = 0.01;       // probability of a spike at each frame
  double spike_amplitude = 3.0;   // typical global jump at a spike
  MotionOptions motion;           // the motion process itself
};

// How much subjects differ from one another.
struct SubjectVariability {
  double amplitude_sd = 0.25;   // log-SD of each subject's activation amplitude per state
  double extent_sd = 0.2;       // log-SD of the spatial spread of activations in a region
  double shift_mm = 3.0;        // SD of the shift of an activation's peak per axis
  double loading_jitter = 0.1;  // SD added to the shared network loadings
  double intensity_sd = 0.1;    // log-SD of the overall image intensity (scanner gain)
  double motion_sd = 0.4;       // log-SD of how much each subject moves
};

struct SimulationOptions {
  std::filesystem::path output_root;
  bool overwrite = false;  // replace an earlier simulation in output_root

  int subjects = 4;
  int rest_runs = 1;  // per subject
  int task_runs = 2;  // per subject
  int64_t rest_frames = 200;
  int64_t task_frames = 150;
  double tr_seconds = 2.0;
  std::string task_name = "localizer";  // BIDS task label of the task runs
  DesignKind design = DesignKind::kBlock;
  DesignTiming timing;

  // Space: atlas choice, voxel size, where the template and names are.
  SpaceOptions space;

  NetworkOptions networks;            // the shared resting-state structure
  double network_amplitude = 0.5;     // % signal change of network fluctuations (SD)
  double activation_amplitude = 4.0;  // % signal change of a sustained state in a weight-1 region
  NoiseOptions noise;
  SubjectVariability variability;

  uint64_t seed = 1;
  std::string software_version = "unknown";  // written to dataset_description.json
};

}  // namespace neuro
