#include "neuro/sim/sim_space.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <system_error>

#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/resample.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/sim/phantom.h"

namespace neuro {

namespace fs = std::filesystem;

namespace {

// A region a state activates: by label value (Harvard-Oxford, whose maxprob
// values are FSL's fixed index + 1) or by name prefix (AICHA, the phantom).
struct Pick {
  int label = 0;
  std::string_view prefix;
  double weight = 0;
};

struct StatePicks {
  std::string_view state;
  std::vector<Pick> picks;
};

// The same four states in every space, so that models and reports carry over.
const std::vector<StatePicks>& harvard_oxford_states() {
  static const std::vector<StatePicks> states = {
      {"motor",
       {{7, "", 1.0} /* Precentral Gyrus */,
        {17, "", 0.6} /* Postcentral Gyrus */,
        {26, "", 0.6} /* Juxtapositional Lobule (SMA) */}},
      {"visual",
       {{48, "", 1.0} /* Occipital Pole */,
        {24, "", 0.9} /* Intracalcarine Cortex */,
        {23, "", 0.7} /* Lateral Occipital Cortex, inferior */,
        {36, "", 0.5} /* Lingual Gyrus */}},
      {"language",
       {{5, "", 1.0} /* IFG pars triangularis */,
        {6, "", 1.0} /* IFG pars opercularis */,
        {10, "", 0.7} /* Superior Temporal Gyrus, posterior */,
        {12, "", 0.5} /* Middle Temporal Gyrus, posterior */}},
      {"auditory",
       {{45, "", 1.0} /* Heschl's Gyrus */,
        {46, "", 0.9} /* Planum Temporale */,
        {44, "", 0.6} /* Planum Polare */,
        {9, "", 0.5} /* Superior Temporal Gyrus, anterior */}},
  };
  return states;
}

const std::vector<StatePicks>& aicha_states() {
  static const std::vector<StatePicks> states = {
      {"motor",
       {{0, "S_Rolando", 1.0},
        {0, "S_Precentral", 0.7},
        {0, "G_Supp_Motor_Area", 0.6},
        {0, "S_Postcentral", 0.5},
        {0, "G_Paracentral_Lobule", 0.5}}},
      {"visual",
       {{0, "G_Calcarine", 1.0},
        {0, "G_Occipital_Pole", 1.0},
        {0, "G_Cuneus", 0.8},
        {0, "G_Lingual", 0.6},
        {0, "G_Occipital_Inf", 0.5}}},
      {"language",
       {{0, "G_Frontal_Inf_Tri", 1.0},
        {0, "S_Inf_Frontal", 0.8},
        {0, "S_Sup_Temporal", 0.7},
        {0, "G_Angular", 0.4}}},
      {"auditory",
       {{0, "G_Temporal_Sup", 1.0}, {0, "G_Rolandic_Oper", 0.6}, {0, "G_Insula-posterior", 0.5}}},
  };
  return states;
}

const std::vector<StatePicks>& phantom_states() {
  static const std::vector<StatePicks> states = {
      {"motor", {{0, "motor_left", 1.0}, {0, "motor_right", 1.0}}},
      {"visual", {{0, "visual_left", 1.0}, {0, "visual_right", 1.0}}},
      {"language", {{0, "frontal_left", 1.0}, {0, "parietal_left", 0.5}}},
      {"auditory", {{0, "temporal_right", 1.0}, {0, "temporal_left", 0.7}}},
  };
  return states;
}

void check_voxel_size(double size) {
  if (!(size >= 1.0 && size <= 8.0)) {
    throw std::runtime_error("voxel_size_mm: " + std::to_string(size) +
                             " is outside [1, 8] mm (2 or 3 are usual)");
  }
}

// Regions present on the data grid, with their voxel counts and centres.
std::vector<SimRegion> collect_regions(const Volume& labels,
                                       const std::map<int, std::string>& names) {
  std::map<int, SimRegion> found;
  const auto& grid = labels.grid();
  for (int64_t k = 0; k < grid.dims[2]; ++k) {
    for (int64_t j = 0; j < grid.dims[1]; ++j) {
      for (int64_t i = 0; i < grid.dims[0]; ++i) {
        const int label = static_cast<int>(labels.at(i, j, k));
        if (label == 0) continue;
        auto& region = found[label];
        region.label = label;
        ++region.voxels;
        const auto p = grid.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                            static_cast<double>(k));
        for (size_t a = 0; a < 3; ++a) {
          region.centre_mm[a] += p[a];
        }
      }
    }
  }
  std::vector<SimRegion> regions;
  for (auto& [label, region] : found) {
    for (double& c : region.centre_mm) {
      c /= static_cast<double>(region.voxels);
    }
    const auto it = names.find(label);
    region.name = it != names.end() ? it->second : "label_" + std::to_string(label);
    regions.push_back(std::move(region));
  }
  return regions;
}

std::vector<MentalState> resolve_states(const std::vector<StatePicks>& table,
                                        const std::vector<SimRegion>& regions,
                                        const std::string& where) {
  std::vector<MentalState> states;
  for (const auto& entry : table) {
    MentalState state;
    state.name = std::string(entry.state);
    for (const auto& pick : entry.picks) {
      for (const auto& region : regions) {
        const bool match =
            pick.prefix.empty() ? region.label == pick.label : region.name.starts_with(pick.prefix);
        const bool taken =
            std::any_of(state.regions.begin(), state.regions.end(),
                        [&](const StateRegion& r) { return r.label == region.label; });
        if (match && !taken) state.regions.push_back({region.label, pick.weight});
      }
    }
    if (states.size() >= kSimulatedStates.size() || state.name != kSimulatedStates[states.size()]) {
      throw std::logic_error("sim_space: the state tables must list kSimulatedStates in order");
    }
    if (state.regions.empty()) {
      throw std::runtime_error(where + ": none of the regions of state '" + state.name +
                               "' is on the data grid");
    }
    std::sort(state.regions.begin(), state.regions.end(),
              [](const StateRegion& a, const StateRegion& b) { return a.label < b.label; });
    states.push_back(std::move(state));
  }
  return states;
}

// Grey where the atlas says so; elsewhere by T1 contrast among the unlabelled
// brain voxels: the darkest 15 % CSF, the brightest 55 % white matter.
std::vector<Tissue> classify_tissue(const Volume& anatomy, const std::vector<uint8_t>& mask,
                                    const Volume& labels) {
  const auto contrast = anatomy.data();
  const auto label_values = labels.data();
  std::vector<float> unlabelled;
  for (size_t v = 0; v < mask.size(); ++v) {
    if (mask[v] && label_values[v] == 0) unlabelled.push_back(contrast[v]);
  }
  float csf_below = 0, white_above = 1;
  if (!unlabelled.empty()) {
    std::sort(unlabelled.begin(), unlabelled.end());
    csf_below = unlabelled[unlabelled.size() * 15 / 100];
    white_above = unlabelled[unlabelled.size() * 45 / 100];
  }
  std::vector<Tissue> tissue(mask.size(), Tissue::kOutside);
  for (size_t v = 0; v < mask.size(); ++v) {
    if (!mask[v]) continue;
    if (label_values[v] != 0) {
      tissue[v] = Tissue::kGrey;
    } else if (contrast[v] < csf_below) {
      tissue[v] = Tissue::kCsf;
    } else if (contrast[v] > white_above) {
      tissue[v] = Tissue::kWhite;
    } else {
      tissue[v] = Tissue::kGrey;
    }
  }
  return tissue;
}

// An axis-aligned RAS grid over the nonzero voxels of `image`, with one voxel
// of margin, voxel centres on multiples of the voxel size.
Grid bounding_grid(const Volume& image, double voxel_size_mm) {
  const auto& dims = image.dims();
  std::array<int64_t, 3> lo{dims[0], dims[1], dims[2]}, hi{-1, -1, -1};
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        if (image.at(i, j, k) <= 0) continue;
        const int64_t idx[3] = {i, j, k};
        for (size_t a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], idx[a]);
          hi[a] = std::max(hi[a], idx[a]);
        }
      }
    }
  }
  if (hi[0] < 0) throw std::runtime_error(image.source() + ": the template is empty");
  std::array<double, 3> world_lo{1e300, 1e300, 1e300}, world_hi{-1e300, -1e300, -1e300};
  for (int corner = 0; corner < 8; ++corner) {
    const auto p = image.affine().to_world(static_cast<double>(corner & 1 ? hi[0] : lo[0]),
                                           static_cast<double>(corner & 2 ? hi[1] : lo[1]),
                                           static_cast<double>(corner & 4 ? hi[2] : lo[2]));
    for (size_t a = 0; a < 3; ++a) {
      world_lo[a] = std::min(world_lo[a], p[a]);
      world_hi[a] = std::max(world_hi[a], p[a]);
    }
  }
  Grid grid;
  std::array<double, 3> origin{};
  for (size_t a = 0; a < 3; ++a) {
    const auto first = static_cast<int64_t>(std::floor(world_lo[a] / voxel_size_mm)) - 1;
    const auto last = static_cast<int64_t>(std::ceil(world_hi[a] / voxel_size_mm)) + 1;
    grid.dims[a] = last - first + 1;
    origin[a] = static_cast<double>(first) * voxel_size_mm;
  }
  grid.affine = Affine::diagonal(voxel_size_mm, voxel_size_mm, voxel_size_mm, origin[0], origin[1],
                                 origin[2]);
  return grid;
}

float quantile(std::vector<float> values, double q) {
  if (values.empty()) return 0;
  const auto n = static_cast<size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n), values.end());
  return values[n];
}

void set_codes(Volume& volume, XformCode code, const std::string& descrip) {
  volume.meta().sform_code = code;
  volume.meta().qform_code = code;
  volume.meta().descrip = descrip;
}

SimSpace phantom_space(const SpaceOptions& options) {
  SimSpace space;
  space.space = std::string(kPhantomSpace);
  space.atlas = "phantom";
  space.grid = phantom_grid(options.voxel_size_mm);
  space.xform = XformCode::kAlignedAnat;
  auto phantom = make_phantom(space.grid);
  space.anatomy = std::move(phantom.anatomy);
  space.labels = std::move(phantom.labels);
  space.underlay = make_phantom(phantom_grid(1.0)).anatomy;
  set_codes(space.anatomy, space.xform, "NeuroSeq phantom anatomy");
  set_codes(space.labels, space.xform, "NeuroSeq phantom regions");
  set_codes(space.underlay, space.xform, "NeuroSeq phantom anatomy, 1 mm");
  const auto contrast = space.anatomy.data();
  space.mask.resize(contrast.size());
  space.tissue.resize(contrast.size());
  for (size_t v = 0; v < contrast.size(); ++v) {
    space.mask[v] = contrast[v] > 0 ? 1 : 0;
    space.tissue[v] = contrast[v] == 0               ? Tissue::kOutside
                      : contrast[v] == kPhantomCsf   ? Tissue::kCsf
                      : contrast[v] == kPhantomWhite ? Tissue::kWhite
                                                     : Tissue::kGrey;
  }
  space.regions = collect_regions(space.labels, phantom.names);
  space.states = resolve_states(phantom_states(), space.regions, "phantom");
  return space;
}

SimSpace template_space(const SpaceOptions& options, AtlasChoice choice) {
  SimSpace space;
  space.space = std::string(kTemplateSpace);
  space.atlas = choice == AtlasChoice::kAicha ? "AICHA" : "HarvardOxford";
  space.from_template = true;
  space.xform = XformCode::kMni152;
  space.template_file = template_file(options.template_dir);
  space.atlas_file = atlas_file(options.template_dir, choice);
  for (const auto& file : {space.template_file, space.atlas_file}) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      throw std::runtime_error(file.string() +
                               ": not found (install mricron-data, or choose the phantom atlas)");
    }
  }
  Volume brain = read_volume(space.template_file);
  brain.set_source(space.template_file.string());
  AtlasOptions atlas_options;
  atlas_options.resources_dir = options.resources_dir;
  const auto atlas = LabelAtlas::load(space.atlas_file, atlas_options);

  space.grid = bounding_grid(brain, options.voxel_size_mm);
  Volume sampled = resample(brain, space.grid, Interpolation::kLinear);
  std::vector<float> inside;
  for (float v : brain.data()) {
    if (v > 0) inside.push_back(v);
  }
  // Linear interpolation blurs the brain's edge: keep points at least a fifth
  // of the typical brain intensity.
  const float edge = 0.2f * quantile(inside, 0.5);
  const float low = quantile(inside, 0.01), high = quantile(inside, 0.99);
  space.anatomy = Volume(space.grid, 1);
  const auto source = sampled.data();
  auto contrast = space.anatomy.data();
  space.mask.assign(source.size(), 0);
  for (size_t v = 0; v < source.size(); ++v) {
    if (source[v] < edge) continue;
    space.mask[v] = 1;
    contrast[v] = std::clamp((source[v] - low) / (high - low), 0.01f, 1.0f);
  }

  space.labels = atlas.resampled_to(space.grid).volume();
  auto label_values = space.labels.data();
  for (size_t v = 0; v < label_values.size(); ++v) {
    if (!space.mask[v]) label_values[v] = 0;
  }
  std::map<int, std::string> names;
  bool named = false;
  for (size_t r = 0; r < atlas.labels().size(); ++r) {
    names[atlas.labels()[r]] = atlas.names()[r];
    named = named || !atlas.names()[r].starts_with("label_");
  }
  if (!named) {
    space.notes.push_back(space.atlas_file.string() +
                          ": no region names found (resources_dir holds the Harvard-Oxford "
                          "names); regions are named label_<n>");
  }
  space.tissue = classify_tissue(space.anatomy, space.mask, space.labels);
  space.regions = collect_regions(space.labels, names);
  space.states =
      resolve_states(choice == AtlasChoice::kAicha ? aicha_states() : harvard_oxford_states(),
                     space.regions, space.atlas_file.string());

  space.underlay = std::move(brain);
  set_codes(space.anatomy, space.xform, "T1 contrast of ch2bet (Colin27)");
  set_codes(space.labels, space.xform, space.atlas + " labels");
  set_codes(space.underlay, space.xform, "ch2bet (Colin27 brain), mricron-data");
  return space;
}

}  // namespace

const char* atlas_choice_name(AtlasChoice choice) {
  switch (choice) {
    case AtlasChoice::kAuto:
      return "auto";
    case AtlasChoice::kHarvardOxford:
      return "harvard-oxford";
    case AtlasChoice::kAicha:
      return "aicha";
    case AtlasChoice::kPhantom:
      return "phantom";
  }
  return "auto";
}

AtlasChoice parse_atlas_choice(std::string_view name) {
  if (name == "auto") return AtlasChoice::kAuto;
  if (name == "harvard-oxford") return AtlasChoice::kHarvardOxford;
  if (name == "aicha") return AtlasChoice::kAicha;
  if (name == "phantom") return AtlasChoice::kPhantom;
  throw std::invalid_argument(
      "atlas: '" + std::string(name) +
      "' is not an atlas (expected auto, harvard-oxford, aicha or phantom)");
}

int SimSpace::region_index(int label) const {
  const auto it = std::lower_bound(regions.begin(), regions.end(), label,
                                   [](const SimRegion& r, int l) { return r.label < l; });
  return it != regions.end() && it->label == label ? static_cast<int>(it - regions.begin()) : -1;
}

fs::path template_file(const fs::path& template_dir) {
  return template_dir / "ch2bet.nii.gz";
}

fs::path atlas_file(const fs::path& template_dir, AtlasChoice choice) {
  if (choice == AtlasChoice::kAicha) return template_dir / "AICHAmc.nii.gz";
  return template_dir / "HarvardOxford-cort-maxprob-thr0-1mm.nii.gz";
}

bool template_available(const fs::path& template_dir, AtlasChoice choice) {
  if (choice == AtlasChoice::kPhantom) return false;
  std::error_code ec;
  return fs::is_regular_file(template_file(template_dir), ec) &&
         fs::is_regular_file(atlas_file(template_dir, choice), ec);
}

SimSpace make_sim_space(const SpaceOptions& options) {
  check_voxel_size(options.voxel_size_mm);
  switch (options.atlas) {
    case AtlasChoice::kPhantom:
      return phantom_space(options);
    case AtlasChoice::kHarvardOxford:
    case AtlasChoice::kAicha:
      return template_space(options, options.atlas);
    case AtlasChoice::kAuto:
      break;
  }
  if (template_available(options.template_dir, AtlasChoice::kHarvardOxford)) {
    return template_space(options, AtlasChoice::kHarvardOxford);
  }
  auto space = phantom_space(options);
  space.notes.push_back(template_file(options.template_dir).string() +
                        ": template or atlas not installed (Debian: mricron-data); using the "
                        "phantom");
  return space;
}

}  // namespace neuro
