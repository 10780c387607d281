#pragma once
// Where the simulated data live: a voxel grid in a brain, its tissues, the
// atlas regions signals are generated for, and which regions each mental
// state activates. On a real template and atlas when Debian's mricron-data is
// installed (the Colin27 brain ch2bet, in MNI space, with the Harvard-Oxford
// cortical or the AICHA atlas), otherwise on the built-in phantom. Whether the
// template is there is decided at run time.
//
// Space labels, as used in the BIDS "space" entity of every output:
//   "MNIColin27"  the template case (ch2 is Colin27, registered to MNI; sform
//                 code 4, TemplateFlow's identifier for it),
//   "phantom"     the built-in phantom (sform code 2, aligned anatomical).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "neuro/image/volume.h"

namespace neuro {

inline constexpr std::string_view kMricronTemplateDir = "/usr/share/mricron/templates";
inline constexpr std::string_view kTemplateSpace = "MNIColin27";
inline constexpr std::string_view kPhantomSpace = "phantom";
// Every space defines the same mental states, in this order, so that models
// and reports carry over from one space to another.
inline constexpr std::array<std::string_view, 4> kSimulatedStates = {"motor", "visual", "language",
                                                                     "auditory"};

// kAuto: Harvard-Oxford on the template when installed, else the phantom.
enum class AtlasChoice { kAuto, kHarvardOxford, kAicha, kPhantom };

const char* atlas_choice_name(AtlasChoice choice);  // "auto", "harvard-oxford", "aicha", "phantom"
// Throws std::invalid_argument("atlas: ...") for any other name.
AtlasChoice parse_atlas_choice(std::string_view name);

struct SpaceOptions {
  AtlasChoice atlas = AtlasChoice::kAuto;
  double voxel_size_mm = 3.0;
  std::filesystem::path template_dir{kMricronTemplateDir};
  // Holds atlases/HarvardOxford-Cortical.xml, the names of the Harvard-Oxford
  // labels (mricron ships the image without them). Empty: labels are named
  // label_<n>.
  std::filesystem::path resources_dir;
};

// What a voxel of the data grid is made of.
enum class Tissue : uint8_t { kOutside = 0, kGrey = 1, kWhite = 2, kCsf = 3 };

struct SimRegion {
  int label = 0;
  std::string name;
  std::array<double, 3> centre_mm{};  // mean world position of its voxels on the data grid
  int64_t voxels = 0;
};

struct StateRegion {
  int label = 0;
  double weight = 0;  // activation of the region relative to the state's strongest
};

struct MentalState {
  std::string name;  // a BIDS label: also the trial_type of the events
  std::vector<StateRegion> regions;
};

struct SimSpace {
  std::string space;  // kTemplateSpace or kPhantomSpace
  std::string atlas;  // "HarvardOxford", "AICHA" or "phantom"
  bool from_template = false;
  std::filesystem::path template_file;  // empty for the phantom
  std::filesystem::path atlas_file;     // empty for the phantom
  Grid grid;                            // the data grid
  XformCode xform = XformCode::kAlignedAnat;
  Volume anatomy;                  // T1-like contrast in [0, 1] on the data grid, 0 outside
  Volume underlay;                 // the anatomy at its own resolution, for viewers
  std::vector<uint8_t> mask;       // [Z][Y][X] 1 = brain
  std::vector<Tissue> tissue;      // [Z][Y][X]
  Volume labels;                   // atlas labels on the data grid, 0 outside the mask
  std::vector<SimRegion> regions;  // the labels present on the data grid, ascending
  std::vector<MentalState> states;
  std::vector<std::string> notes;  // why the phantom was used, names not found, ...

  // Position of `label` in `regions`; -1 when absent.
  int region_index(int label) const;
};

// The files the template case reads, in `template_dir`.
std::filesystem::path template_file(const std::filesystem::path& template_dir);
std::filesystem::path atlas_file(const std::filesystem::path& template_dir, AtlasChoice choice);
// True when the template and the atlas `choice` needs (Harvard-Oxford for
// kAuto) are both installed.
bool template_available(const std::filesystem::path& template_dir, AtlasChoice choice);

// Builds the space. Throws std::runtime_error("<path or option>: <problem>")
// when a template atlas was asked for and is missing or unreadable, when a
// state finds none of its regions on the grid, or for a voxel size outside
// [1, 8] mm.
SimSpace make_sim_space(const SpaceOptions& options);

}  // namespace neuro
