#pragma once
// What stays fixed across the runs of a simulation: the brain voxels and
// what each is made of (shared by all subjects), and each subject's own
// traits: loadings on the shared networks, how strongly and how widely each
// state activates its regions, how much the subject moves.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "neuro/image/volume.h"
#include "neuro/sim/network_dynamics.h"
#include "neuro/sim/sim_options.h"
#include "neuro/sim/sim_space.h"

namespace neuro {

// Mean EPI intensity of a voxel from its T1-like contrast: EPI shows CSF
// bright and white matter dark, the reverse of T1.
inline constexpr float kEpiCsfIntensity = 1000.0f;
inline constexpr float kEpiContrastDrop = 450.0f;

struct VoxelLayout {
  std::vector<int64_t> voxel;                // [V] index into the grid, ascending
  std::vector<int> region;                   // [V] position in SimSpace::regions, -1 for none
  std::vector<float> baseline;               // [V] mean EPI intensity
  std::vector<float> gradient;               // [V, 3] baseline change per mm along x, y, z
  std::vector<float> position;               // [V, 3] mm from the centre of the brain
  std::array<double, 3> centre_mm{0, 0, 0};  // the centre of the brain (mean brain voxel), world
  std::vector<float> physiological_weight;   // [V] share of the global physiological signal
  std::vector<Tissue> tissue;                // [V]
  std::vector<double> region_radius_mm;  // [P] RMS distance of a region's voxels from its centre

  int64_t size() const { return static_cast<int64_t>(voxel.size()); }
};

VoxelLayout make_voxel_layout(const SimSpace& space);

struct SubjectModel {
  int number = 0;                               // 1-based
  std::string label;                            // "01"
  std::vector<double> loadings;                 // [P, K] the shared loadings, jittered
  std::vector<double> state_amplitude;          // [S] relative to the group (1 = typical)
  std::vector<double> extent_scale;             // [S] spread of activations relative to the region
  std::vector<std::array<double, 3>> shift_mm;  // [S] displacement of activation peaks
  double motion_scale = 1;
  double intensity_scale = 1;
  std::vector<float> network_gain;  // [V] gain of the region's network signal at each voxel
  std::vector<float> activation;    // [V, S] activation weight of each voxel in each state
};

// `number` counts from 1; the label is zero-padded to two digits (three from
// 100 subjects on).
SubjectModel make_subject_model(int number, int subject_count, const SimSpace& space,
                                const VoxelLayout& layout, const NetworkModel& networks,
                                const SimulationOptions& options);

std::string subject_label(int number, int subject_count);

// The ground truth of a state on the data grid: every voxel of a region the
// state activates holds the region's weight.
Volume group_state_map(const SimSpace& space, size_t state);
// The same for one subject: the activation weight of each voxel, amplitude
// and spatial spread included.
Volume subject_state_map(const SimSpace& space, const VoxelLayout& layout,
                         const SubjectModel& subject, size_t state);

}  // namespace neuro
