#include "neuro/sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/entities.h"
#include "neuro/bids/events.h"
#include "neuro/image/nifti_writer.h"
#include "neuro/signal/confounds.h"
#include "neuro/sim/ground_truth.h"
#include "neuro/sim/run_synthesis.h"
#include "neuro/sim/sim_streams.h"
#include "neuro/sim/subject_model.h"

namespace neuro {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw std::runtime_error(where + ": " + problem);
}

void require_non_negative(double value, const char* name) {
  if (!(value >= 0) || !std::isfinite(value)) fail(name, "must be a finite number >= 0");
}

void require_fraction(double value, const char* name) {
  if (!(value >= 0 && value < 1)) fail(name, "must lie in [0, 1)");
}

bool is_empty_folder(const fs::path& root) {
  std::error_code ec;
  return fs::is_directory(root, ec) && fs::directory_iterator(root, ec) == fs::directory_iterator();
}

// True when `root` holds a dataset this simulator wrote.
bool holds_neuroseq_dataset(const fs::path& root) {
  try {
    const auto description = read_dataset_description(root);
    return description.exists &&
           std::find(description.generated_by.begin(), description.generated_by.end(),
                     "NeuroSeq") != description.generated_by.end();
  } catch (const std::exception&) {
    return false;
  }
}

// Clears what an earlier simulation left, so that no stale subject or run
// survives a smaller one; other files in the folder are left alone.
void prepare_output_root(const SimulationOptions& options) {
  const auto& root = options.output_root;
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    fs::create_directories(root, ec);
    if (ec) fail(root.string(), "cannot create the folder: " + ec.message());
    return;
  }
  if (!fs::is_directory(root, ec)) fail(root.string(), "exists and is not a folder");
  if (is_empty_folder(root)) return;
  if (!options.overwrite) {
    fail(root.string(), "exists and is not empty (set overwrite to replace it)");
  }
  if (!holds_neuroseq_dataset(root)) {
    fail(root.string(), "exists, is not empty and holds no NeuroSeq dataset; not overwriting it");
  }
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if ((name.starts_with("sub-") && entry.is_directory()) || name == kGroundTruthFolder) {
      fs::remove_all(entry.path(), ec);
      if (ec) fail(entry.path().string(), "cannot remove it: " + ec.message());
    }
  }
}

BidsName run_name(const std::string& subject, const std::string& task, int run) {
  BidsName name;
  name.set("sub", subject).set("task", task).set("run", std::to_string(run));
  return name;
}

fs::path func_path(const fs::path& root, BidsName name, const std::string& space,
                   std::string_view desc, std::string_view suffix, std::string_view extension) {
  if (!space.empty()) name.set("space", space);
  if (!desc.empty()) name.set("desc", desc);
  name.suffix = std::string(suffix);
  name.extension = std::string(extension);
  return derivative_path(root, name, "func");
}

Volume mask_volume(const SimSpace& space, const std::string& descrip) {
  Volume mask(space.grid, 1);
  mask.meta().sform_code = space.xform;
  mask.meta().qform_code = space.xform;
  mask.meta().descrip = descrip;
  auto values = mask.data();
  for (size_t v = 0; v < space.mask.size(); ++v) {
    values[v] = space.mask[v] ? 1.0f : 0.0f;
  }
  return mask;
}

// The subject's anatomy in the space of the data, as fMRIPrep's anat outputs.
int64_t write_anatomy(const fs::path& root, const SimSpace& space, const std::string& subject) {
  BidsName name;
  name.set("sub", subject).set("space", space.space);
  name.extension = ".nii.gz";
  BidsName t1 = name;
  t1.set("desc", "preproc").suffix = "T1w";
  write_nifti(space.anatomy, derivative_path(root, t1, "anat"));
  BidsName mask = name;
  mask.set("desc", "brain").suffix = "mask";
  write_nifti(mask_volume(space, "brain mask"), derivative_path(root, mask, "anat"));
  BidsName dseg = name;
  dseg.suffix = "dseg";
  Volume tissue(space.grid, 1);
  tissue.meta() = space.anatomy.meta();
  tissue.meta().descrip = "tissue: 1 grey, 2 white, 3 CSF";
  auto values = tissue.data();
  for (size_t v = 0; v < space.tissue.size(); ++v) {
    values[v] = static_cast<float>(space.tissue[v]);
  }
  write_nifti(tissue, derivative_path(root, dseg, "anat"));
  return 3;
}

void write_bold_sidecar(const fs::path& path, const SimulationOptions& options,
                        const std::string& task) {
  nlohmann::ordered_json json;
  json["RepetitionTime"] = options.tr_seconds;
  json["TaskName"] = task;
  json["SkullStripped"] = false;
  json["Description"] = "Simulated by NeuroSeq; see sim/simulation.json for the ground truth";
  core::write_text_atomically(path, json.dump(2) + "\n");
}

}  // namespace

void validate_simulation_options(const SimulationOptions& o) {
  if (o.output_root.empty()) fail("output_root", "no output folder given");
  if (o.subjects < 1) fail("subjects", "at least one subject is needed");
  if (o.subjects > 999) fail("subjects", "at most 999 subjects");
  if (o.rest_runs < 0 || o.rest_runs > 99) fail("rest_runs", "must lie in [0, 99]");
  if (o.task_runs < 0 || o.task_runs > 99) fail("task_runs", "must lie in [0, 99]");
  if (o.rest_runs + o.task_runs == 0) fail("rest_runs, task_runs", "no run to simulate");
  if (!(o.tr_seconds >= 0.1 && o.tr_seconds <= 10)) {
    fail("tr_seconds", "must lie in [0.1, 10] seconds");
  }
  constexpr int64_t kMinFrames = 10;
  if (o.rest_runs > 0 && o.rest_frames < kMinFrames) {
    fail("rest_frames", "at least " + std::to_string(kMinFrames) + " frames per run are needed");
  }
  if (o.task_runs > 0) {
    if (o.task_frames < kMinFrames) {
      fail("task_frames", "at least " + std::to_string(kMinFrames) + " frames per run are needed");
    }
    if (!is_bids_label(o.task_name) || o.task_name == kRestTask) {
      fail("task_name", "'" + o.task_name + "' must be letters and digits only, and not 'rest'");
    }
    // Every state needs at least one trial in every task run.
    const double needed = minimum_run_seconds(kSimulatedStates.size(), o.design, o.timing);
    const double have = static_cast<double>(o.task_frames) * o.tr_seconds;
    if (have < needed) {
      std::ostringstream message;
      message << o.task_frames << " frames (" << have << " s at TR " << o.tr_seconds
              << " s) are too short for a " << design_kind_name(o.design) << " design of "
              << kSimulatedStates.size() << " states: at least "
              << static_cast<int64_t>(std::ceil(needed / o.tr_seconds)) << " frames are needed";
      fail("task_frames", message.str());
    }
  }
  if (!(o.space.voxel_size_mm >= 1.0 && o.space.voxel_size_mm <= 8.0)) {
    fail("voxel_size_mm", "must lie in [1, 8] mm (2 or 3 are usual)");
  }
  if (o.networks.networks < 1 || o.networks.networks > 32) {
    fail("networks", "must lie in [1, 32]");
  }
  require_non_negative(o.network_amplitude, "network_amplitude");
  require_non_negative(o.activation_amplitude, "activation_amplitude");
  const auto& n = o.noise;
  require_non_negative(n.voxel_sd, "noise.voxel_sd");
  require_fraction(n.voxel_ar1, "noise.voxel_ar1");
  require_non_negative(n.region_sd, "noise.region_sd");
  require_non_negative(n.drift_sd, "noise.drift_sd");
  if (n.drift_order < 0 || n.drift_order > 16) fail("noise.drift_order", "must lie in [0, 16]");
  require_non_negative(n.physiological_sd, "noise.physiological_sd");
  require_non_negative(n.motion_scale, "noise.motion_scale");
  require_non_negative(n.motion_artifact, "noise.motion_artifact");
  if (!(n.spike_rate >= 0 && n.spike_rate <= 0.5)) fail("noise.spike_rate", "must lie in [0, 0.5]");
  require_non_negative(n.spike_amplitude, "noise.spike_amplitude");
  require_fraction(n.motion.persistence, "noise.motion.persistence");
  const auto& v = o.variability;
  require_non_negative(v.amplitude_sd, "variability.amplitude_sd");
  require_non_negative(v.extent_sd, "variability.extent_sd");
  require_non_negative(v.shift_mm, "variability.shift_mm");
  require_non_negative(v.loading_jitter, "variability.loading_jitter");
  require_non_negative(v.intensity_sd, "variability.intensity_sd");
  require_non_negative(v.motion_sd, "variability.motion_sd");
  if (o.software_version.empty()) fail("software_version", "must not be empty");
}

SimulationSummary simulate_dataset(const SimulationOptions& options,
                                   const std::function<void(double, std::string_view)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto report = [&](double fraction, const std::string& message) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0), message);
  };
  validate_simulation_options(options);

  report(0.0, "building the space");
  const SimSpace space = make_sim_space(options.space);
  const VoxelLayout layout = make_voxel_layout(space);
  std::vector<std::array<double, 3>> centres;
  for (const auto& region : space.regions) {
    centres.push_back(region.centre_mm);
  }
  if (options.networks.networks > static_cast<int>(centres.size())) {
    fail("networks", std::to_string(options.networks.networks) +
                         " networks need as many regions; " + space.atlas + " has " +
                         std::to_string(centres.size()) + " on this grid");
  }
  core::RandomStream network_random(options.seed, sim_stream(SimPurpose::kNetworkModel));
  const NetworkModel networks =
      make_network_model(centres, options.tr_seconds, options.networks, network_random);

  prepare_output_root(options);
  const fs::path& root = options.output_root;
  const fs::path truth_dir = root / kGroundTruthFolder;

  SimulationSummary summary;
  summary.root = root;
  summary.space = space.space;
  summary.atlas = space.atlas;
  summary.used_template = space.from_template;
  summary.dims = space.grid.dims;
  summary.voxel_size_mm = options.space.voxel_size_mm;
  summary.brain_voxels = layout.size();
  summary.notes = space.notes;
  summary.ground_truth_dir = truth_dir;
  for (const auto& state : space.states) {
    summary.states.push_back(state.name);
  }

  // The description first: a folder left by an interrupted run is then
  // recognised as ours and may be overwritten.
  DerivativeDescription description;
  description.name =
      "NeuroSeq simulated fMRI (" + space.atlas + ", seed " + std::to_string(options.seed) + ")";
  description.version = options.software_version;
  write_dataset_description(root, description);
  core::write_text_atomically(root / ".bidsignore", std::string(kGroundTruthFolder) + "/\n");
  summary.files_written += 2;

  report(0.02, "writing the ground truth of the space");
  const auto truth = write_space_truth(truth_dir, space);
  summary.underlay = truth.underlay;
  summary.brain_mask = truth.brain_mask;
  summary.atlas_image = truth.atlas_image;
  summary.atlas_table = truth.atlas_table;
  summary.group_state_maps = truth.group_state_maps;
  summary.files_written += 4 + static_cast<int64_t>(truth.group_state_maps.size());

  const Volume run_mask = mask_volume(space, "brain mask");
  const int runs_per_subject = options.rest_runs + options.task_runs;
  const int total_runs = options.subjects * runs_per_subject;
  int done = 0;
  std::vector<SubjectModel> subjects;
  for (int number = 1; number <= options.subjects; ++number) {
    auto subject = make_subject_model(number, options.subjects, space, layout, networks, options);
    summary.subjects.push_back(subject.label);
    summary.files_written += write_anatomy(root, space, subject.label);
    summary.files_written +=
        static_cast<int64_t>(write_subject_truth(truth_dir, space, layout, subject).size());

    for (int index = 0; index < runs_per_subject; ++index) {
      RunPlan plan;
      const bool is_task = index >= options.rest_runs;
      plan.kind = is_task ? RunKind::kTask : RunKind::kRest;
      plan.run = is_task ? index - options.rest_runs + 1 : index + 1;
      plan.task = is_task ? options.task_name : std::string(kRestTask);
      plan.frames = is_task ? options.task_frames : options.rest_frames;
      plan.design = design_for_run(options.design, plan.run);
      report(0.05 + 0.95 * done / total_runs,
             "sub-" + subject.label + " task-" + plan.task + " run-" + std::to_string(plan.run));

      const auto result = synthesize_run(space, layout, networks, subject, plan, options);
      const BidsName base = run_name(subject.label, plan.task, plan.run);
      SimulatedRun run;
      run.subject = subject.label;
      run.task = plan.task;
      run.run = plan.run;
      run.task_run = is_task;
      run.design = is_task ? design_kind_name(plan.design) : "";
      run.frames = plan.frames;
      run.bold = func_path(root, base, space.space, "preproc", "bold", ".nii.gz");
      run.sidecar = func_path(root, base, space.space, "preproc", "bold", ".json");
      run.mask = func_path(root, base, space.space, "brain", "mask", ".nii.gz");
      run.confounds = func_path(root, base, "", "confounds", "timeseries", ".tsv");
      write_nifti(result.bold, run.bold);
      write_bold_sidecar(run.sidecar, options, plan.task);
      write_nifti(run_mask, run.mask);
      ConfoundTable confounds = result.confounds;
      confounds.source = run.confounds.string();
      write_confounds_tsv(confounds, run.confounds);
      summary.files_written += 4;
      if (is_task) {
        run.events = func_path(root, base, "", "", "events", ".tsv");
        write_events_tsv(result.events, run.events);
        ++summary.files_written;
      }
      run.spike_frames = result.spike_frames;
      double fd_sum = 0;
      for (double fd : result.motion.framewise_displacement) {
        fd_sum += fd;
      }
      run.mean_framewise_displacement =
          plan.frames > 1 ? fd_sum / static_cast<double>(plan.frames - 1) : 0.0;
      summary.runs.push_back(std::move(run));
      ++done;
    }
    subjects.push_back(std::move(subject));
  }

  // Last: its presence says the dataset is complete.
  summary.truth_json = truth_dir / "simulation.json";
  summary.files_written += 1;
  write_simulation_json(summary.truth_json, options, space, networks, subjects, summary);
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report(1.0, "done");
  return summary;
}

}  // namespace neuro
