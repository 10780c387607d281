#pragma once
// The ground-truth folder of a simulated dataset (sim/ under the root): the
// anatomy and atlas on the data grid, which regions each state activates, and
// a JSON record of everything the simulation decided, so that decoders,
// attribution maps and GLMs can be scored against the truth.

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuro/sim/network_dynamics.h"
#include "neuro/sim/sim_options.h"
#include "neuro/sim/sim_space.h"
#include "neuro/sim/simulator.h"
#include "neuro/sim/subject_model.h"

namespace neuro {

struct SpaceTruthFiles {
  std::filesystem::path underlay;
  std::filesystem::path brain_mask;
  std::filesystem::path atlas_image;
  std::filesystem::path atlas_table;
  std::vector<std::filesystem::path> group_state_maps;  // one per state
};

// Underlay, mask, atlas (dseg NIfTI and TSV) and the group map of every state.
SpaceTruthFiles write_space_truth(const std::filesystem::path& truth_dir, const SimSpace& space);

// One map per state of the subject's own activation weights.
std::vector<std::filesystem::path> write_subject_truth(const std::filesystem::path& truth_dir,
                                                       const SimSpace& space,
                                                       const VoxelLayout& layout,
                                                       const SubjectModel& subject);

// Every option, so that a dataset can be made again from its record.
nlohmann::ordered_json simulation_options_json(const SimulationOptions& options);

// sim/simulation.json: options, space, regions with their networks, states
// with their regions and weights, the network process, each subject's traits
// and every run with its files and spike frames. Paths relative to the root.
void write_simulation_json(const std::filesystem::path& file, const SimulationOptions& options,
                           const SimSpace& space, const NetworkModel& networks,
                           const std::vector<SubjectModel>& subjects,
                           const SimulationSummary& summary);

}  // namespace neuro
