#pragma once
// The fMRI simulator: a complete fMRIPrep-style BIDS derivatives dataset with
// its ground truth, for training, testing and demonstrating NeuroSeq without
// real data.
//
// Layout under the output root (<space> is MNIColin27 or phantom, see
// sim_space.h; <task> is options.task_name):
//   dataset_description.json            DatasetType derivative, GeneratedBy NeuroSeq
//   .bidsignore                         keeps validators out of sim/
//   sub-<XX>/anat/sub-<XX>_space-<space>_desc-preproc_T1w.nii.gz   T1-like anatomy, data grid
//   sub-<XX>/anat/sub-<XX>_space-<space>_desc-brain_mask.nii.gz
//   sub-<XX>/anat/sub-<XX>_space-<space>_dseg.nii.gz               1 grey, 2 white, 3 CSF
//   sub-<XX>/func/sub-<XX>_task-<rest|task>_run-<n>_space-<space>_desc-preproc_bold.nii.gz
//   sub-<XX>/func/sub-<XX>_task-<rest|task>_run-<n>_space-<space>_desc-preproc_bold.json
//   sub-<XX>/func/sub-<XX>_task-<rest|task>_run-<n>_space-<space>_desc-brain_mask.nii.gz
//   sub-<XX>/func/sub-<XX>_task-<rest|task>_run-<n>_desc-confounds_timeseries.tsv
//   sub-<XX>/func/sub-<XX>_task-<task>_run-<n>_events.tsv           task runs
//   sim/space-<space>_desc-underlay_T1w.nii.gz     anatomy at its own resolution, for viewers
//   sim/space-<space>_desc-brain_mask.nii.gz
//   sim/space-<space>_atlas-<atlas>_dseg.nii.gz    the regions on the data grid
//   sim/space-<space>_atlas-<atlas>_dseg.tsv       index, name
//   sim/sub-group_space-<space>_desc-<state>_groundtruth.nii.gz   region weights per state
//   sim/sub-<XX>_space-<space>_desc-<state>_groundtruth.nii.gz    each subject's activation
//   sim/simulation.json                 options, seed, states -> regions, networks,
//                                       subjects, runs and spikes; written last
// Every file is written atomically.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "neuro/sim/sim_options.h"

namespace neuro {

inline constexpr std::string_view kGroundTruthFolder = "sim";
inline constexpr std::string_view kRestTask = "rest";

struct SimulatedRun {
  std::string subject;  // label without "sub-"
  std::string task;
  int run = 1;
  bool task_run = false;
  std::string design;  // "block" or "event"; empty for rest
  int64_t frames = 0;
  std::filesystem::path bold;
  std::filesystem::path sidecar;
  std::filesystem::path mask;
  std::filesystem::path confounds;
  std::filesystem::path events;  // empty for rest runs
  std::vector<int64_t> spike_frames;
  double mean_framewise_displacement = 0;
};

struct SimulationSummary {
  std::filesystem::path root;
  std::string space;  // BIDS space label
  std::string atlas;  // "HarvardOxford", "AICHA" or "phantom"
  bool used_template = false;
  std::array<int64_t, 3> dims{0, 0, 0};
  double voxel_size_mm = 0;
  int64_t brain_voxels = 0;
  std::vector<std::string> states;
  std::vector<std::string> subjects;  // labels without "sub-"
  std::vector<SimulatedRun> runs;
  std::filesystem::path ground_truth_dir;
  std::filesystem::path atlas_image;  // dseg NIfTI on the data grid
  std::filesystem::path atlas_table;  // its TSV of region names
  std::filesystem::path brain_mask;
  std::filesystem::path underlay;
  std::filesystem::path truth_json;
  std::vector<std::filesystem::path> group_state_maps;  // one per state
  std::vector<std::string> notes;
  int64_t files_written = 0;
  double seconds = 0;
};

// Checks everything that can be checked before the space is built. Throws
// std::runtime_error with one line "<option or path>: <problem>".
void validate_simulation_options(const SimulationOptions& options);

// Writes the dataset. `progress` receives a fraction in [0, 1] and what is
// being done. Throws std::runtime_error("<option or path>: <problem>"): the
// output root exists and is not empty (unless overwrite is set and it holds
// an earlier NeuroSeq dataset, whose sub-* and sim/ folders are then
// replaced), options out of range, runs too short for the design, a template
// atlas that was asked for and is missing.
SimulationSummary simulate_dataset(
    const SimulationOptions& options,
    const std::function<void(double, std::string_view)>& progress = {});

}  // namespace neuro
