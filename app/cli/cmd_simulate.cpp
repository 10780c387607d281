#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/simulate_job.h"

namespace cli {

namespace {
struct SimulateFlags {
  neuro::SimulationOptions options;
  std::string atlas = "auto";
  std::string design = "block";
};
}  // namespace

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate",
                                 "Write a simulated fMRIPrep-style BIDS dataset with ground truth");
  auto f = std::make_shared<SimulateFlags>();
  auto& o = f->options;
  cmd->add_option("-o,--output", o.output_root, "Output dataset folder")->required();
  cmd->add_flag("--overwrite", o.overwrite, "Replace an earlier simulation in the output folder");
  cmd->add_option("--subjects", o.subjects, "Number of subjects")->capture_default_str();
  cmd->add_option("--rest-runs", o.rest_runs, "Resting runs per subject")->capture_default_str();
  cmd->add_option("--task-runs", o.task_runs, "Task runs per subject")->capture_default_str();
  cmd->add_option("--rest-frames", o.rest_frames, "Volumes per resting run")->capture_default_str();
  cmd->add_option("--task-frames", o.task_frames, "Volumes per task run")->capture_default_str();
  cmd->add_option("--tr", o.tr_seconds, "Repetition time in seconds")->capture_default_str();
  cmd->add_option("--voxel-size", o.space.voxel_size_mm, "Voxel size in mm (2 or 3)")
      ->capture_default_str();
  cmd->add_option("--atlas", f->atlas,
                  "auto (template atlas when mricron-data is installed, else phantom), "
                  "harvard-oxford, aicha or phantom")
      ->capture_default_str();
  cmd->add_option("--design", f->design, "Task design: block, event or mixed")
      ->capture_default_str();
  cmd->add_option("--activation", o.activation_amplitude,
                  "Percent signal change of a sustained state in a weight-1 region")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--network-amplitude", o.network_amplitude,
                  "Percent signal change (SD) of resting-state network fluctuations")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--noise", o.noise.voxel_sd, "Thermal noise of each voxel (percent, SD)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed: the same seed gives the same dataset")
      ->capture_default_str();
  cmd->final_callback([f] {
    f->options.space.atlas = neuro::parse_atlas_choice(f->atlas);
    f->options.design = neuro::parse_design_kind(f->design);
    const auto summary = jobs::run_simulate(f->options, terminal_job_context("simulate"));
    for (const auto& note : summary.notes)
      std::fprintf(stderr, "neuroseq: note: %s\n", note.c_str());
    std::printf("%s: %zu subjects, %zu runs, %s atlas, %zu states, %lld files in %.1f s\n",
                summary.root.c_str(), summary.subjects.size(), summary.runs.size(),
                summary.atlas.c_str(), summary.states.size(),
                static_cast<long long>(summary.files_written), summary.seconds);
  });
}

}  // namespace cli
