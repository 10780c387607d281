#pragma once
// Simulated datasets small enough for a test to make in a few seconds: the
// phantom atlas (no template to read) at 5 mm, with the subjects and runs a
// test asks for.

#include <cstdint>
#include <filesystem>

#include "neuro/sim/sim_options.h"

namespace neuroseq_test {

// What tests vary most. Anything else a test needs differently (frames per
// run, voxel size, design) it sets on the options returned.
struct TinyDataset {
  int subjects = 2;
  int rest_runs = 1;  // per subject
  int task_runs = 1;  // per subject
  uint64_t seed = 1;
};

inline neuro::SimulationOptions tiny_simulation(const std::filesystem::path& output_root,
                                                const TinyDataset& dataset) {
  neuro::SimulationOptions options;
  options.output_root = output_root;
  options.space.atlas = neuro::AtlasChoice::kPhantom;
  options.space.voxel_size_mm = 5.0;  // coarse: few voxels to simulate and read back
  options.subjects = dataset.subjects;
  options.rest_runs = dataset.rest_runs;
  options.task_runs = dataset.task_runs;
  options.seed = dataset.seed;
  return options;
}

}  // namespace neuroseq_test
