#include "neuro/sim/ground_truth.h"

#include <sstream>

#include "core/io/atomic_file.h"
#include "neuro/bids/entities.h"
#include "neuro/image/nifti_writer.h"

namespace neuro {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

BidsName truth_name(const SimSpace& space, std::string_view suffix, std::string_view extension) {
  BidsName name;
  name.set("space", space.space);
  name.suffix = std::string(suffix);
  name.extension = std::string(extension);
  return name;
}

std::string relative_to_root(const fs::path& path, const fs::path& root) {
  return path.lexically_relative(root).generic_string();
}

ordered_json grid_json(const Grid& grid) {
  ordered_json affine = ordered_json::array();
  for (int r = 0; r < 4; ++r) {
    affine.push_back({grid.affine(r, 0), grid.affine(r, 1), grid.affine(r, 2), grid.affine(r, 3)});
  }
  return {{"dims", {grid.dims[0], grid.dims[1], grid.dims[2]}}, {"affine", affine}};
}

}  // namespace

SpaceTruthFiles write_space_truth(const fs::path& truth_dir, const SimSpace& space) {
  SpaceTruthFiles files;

  files.underlay =
      truth_dir / truth_name(space, "T1w", ".nii.gz").set("desc", "underlay").filename();
  write_nifti(space.underlay, files.underlay);

  Volume mask(space.grid, 1);
  mask.meta().sform_code = space.xform;
  mask.meta().qform_code = space.xform;
  mask.meta().descrip = "brain mask";
  auto mask_values = mask.data();
  for (size_t v = 0; v < space.mask.size(); ++v) {
    mask_values[v] = space.mask[v] ? 1.0f : 0.0f;
  }
  files.brain_mask =
      truth_dir / truth_name(space, "mask", ".nii.gz").set("desc", "brain").filename();
  write_nifti(mask, files.brain_mask);

  files.atlas_image =
      truth_dir / truth_name(space, "dseg", ".nii.gz").set("atlas", space.atlas).filename();
  write_nifti(space.labels, files.atlas_image);
  files.atlas_table =
      truth_dir / truth_name(space, "dseg", ".tsv").set("atlas", space.atlas).filename();
  std::ostringstream table;
  table << "index\tname\n";
  for (const auto& region : space.regions) {
    table << region.label << '\t' << region.name << '\n';
  }
  core::write_text_atomically(files.atlas_table, table.str());

  for (size_t s = 0; s < space.states.size(); ++s) {
    BidsName name = truth_name(space, "groundtruth", ".nii.gz");
    name.set("sub", "group").set("desc", space.states[s].name);
    const auto path = truth_dir / name.filename();
    write_nifti(group_state_map(space, s), path);
    files.group_state_maps.push_back(path);
  }
  return files;
}

std::vector<fs::path> write_subject_truth(const fs::path& truth_dir, const SimSpace& space,
                                          const VoxelLayout& layout, const SubjectModel& subject) {
  std::vector<fs::path> paths;
  for (size_t s = 0; s < space.states.size(); ++s) {
    BidsName name = truth_name(space, "groundtruth", ".nii.gz");
    name.set("sub", subject.label).set("desc", space.states[s].name);
    const auto path = truth_dir / name.filename();
    write_nifti(subject_state_map(space, layout, subject, s), path);
    paths.push_back(path);
  }
  return paths;
}

ordered_json simulation_options_json(const SimulationOptions& o) {
  const auto& n = o.noise;
  const auto& m = n.motion;
  const auto& v = o.variability;
  const auto& t = o.timing;
  const auto& net = o.networks;
  ordered_json j;
  j["seed"] = o.seed;
  j["subjects"] = o.subjects;
  j["rest_runs"] = o.rest_runs;
  j["task_runs"] = o.task_runs;
  j["rest_frames"] = o.rest_frames;
  j["task_frames"] = o.task_frames;
  j["tr_seconds"] = o.tr_seconds;
  j["task_name"] = o.task_name;
  j["design"] = design_kind_name(o.design);
  j["timing"] = {{"lead_in_seconds", t.lead_in_seconds},   {"tail_seconds", t.tail_seconds},
                 {"block_seconds", t.block_seconds},       {"rest_min_seconds", t.rest_min_seconds},
                 {"rest_max_seconds", t.rest_max_seconds}, {"event_seconds", t.event_seconds},
                 {"gap_min_seconds", t.gap_min_seconds},   {"gap_max_seconds", t.gap_max_seconds}};
  j["atlas"] = atlas_choice_name(o.space.atlas);
  j["voxel_size_mm"] = o.space.voxel_size_mm;
  j["template_dir"] = o.space.template_dir.generic_string();
  j["resources_dir"] = o.space.resources_dir.generic_string();
  j["networks"] = {{"count", net.networks},
                   {"min_frequency_hz", net.min_frequency_hz},
                   {"max_frequency_hz", net.max_frequency_hz},
                   {"min_damping", net.min_damping},
                   {"max_damping", net.max_damping},
                   {"primary_loading_min", net.primary_loading_min},
                   {"cross_loading_sd", net.cross_loading_sd}};
  j["network_amplitude"] = o.network_amplitude;
  j["activation_amplitude"] = o.activation_amplitude;
  j["noise"] = {{"voxel_sd", n.voxel_sd},
                {"voxel_ar1", n.voxel_ar1},
                {"region_sd", n.region_sd},
                {"drift_sd", n.drift_sd},
                {"drift_order", n.drift_order},
                {"physiological_sd", n.physiological_sd},
                {"motion_scale", n.motion_scale},
                {"motion_artifact", n.motion_artifact},
                {"spike_rate", n.spike_rate},
                {"spike_amplitude", n.spike_amplitude},
                {"motion",
                 {{"persistence", m.persistence},
                  {"translation_step_mm", m.translation_step_mm},
                  {"rotation_step_rad", m.rotation_step_rad},
                  {"spike_translation_mm", m.spike_translation_mm},
                  {"spike_rotation_rad", m.spike_rotation_rad},
                  {"head_radius_mm", m.head_radius_mm}}}};
  j["variability"] = {{"amplitude_sd", v.amplitude_sd}, {"extent_sd", v.extent_sd},
                      {"shift_mm", v.shift_mm},         {"loading_jitter", v.loading_jitter},
                      {"intensity_sd", v.intensity_sd}, {"motion_sd", v.motion_sd}};
  return j;
}

void write_simulation_json(const fs::path& file, const SimulationOptions& options,
                           const SimSpace& space, const NetworkModel& networks,
                           const std::vector<SubjectModel>& subjects,
                           const SimulationSummary& summary) {
  const auto& root = summary.root;
  ordered_json j;
  j["GeneratedBy"] = {{"Name", "NeuroSeq"}, {"Version", options.software_version}};
  j["seed"] = options.seed;
  j["options"] = simulation_options_json(options);

  ordered_json space_json;
  space_json["space"] = space.space;
  space_json["atlas"] = space.atlas;
  space_json["from_template"] = space.from_template;
  space_json["template_file"] = space.template_file.generic_string();
  space_json["atlas_file"] = space.atlas_file.generic_string();
  space_json["sform_code"] = static_cast<int>(space.xform);
  space_json["grid"] = grid_json(space.grid);
  space_json["brain_voxels"] = summary.brain_voxels;
  space_json["atlas_image"] = relative_to_root(summary.atlas_image, root);
  space_json["atlas_table"] = relative_to_root(summary.atlas_table, root);
  space_json["brain_mask"] = relative_to_root(summary.brain_mask, root);
  space_json["underlay"] = relative_to_root(summary.underlay, root);
  j["space"] = space_json;

  ordered_json regions = ordered_json::array();
  for (size_t r = 0; r < space.regions.size(); ++r) {
    const auto& region = space.regions[r];
    regions.push_back({{"label", region.label},
                       {"name", region.name},
                       {"voxels", region.voxels},
                       {"centre_mm", region.centre_mm},
                       {"network", networks.primary_network[r]}});
  }
  j["regions"] = regions;

  ordered_json states = ordered_json::array();
  for (size_t s = 0; s < space.states.size(); ++s) {
    const auto& state = space.states[s];
    ordered_json state_regions = ordered_json::array();
    for (const auto& sr : state.regions) {
      const int r = space.region_index(sr.label);
      state_regions.push_back({{"label", sr.label},
                               {"name", space.regions[static_cast<size_t>(r)].name},
                               {"weight", sr.weight}});
    }
    ordered_json entry;
    entry["name"] = state.name;
    entry["regions"] = state_regions;
    entry["group_map"] = relative_to_root(summary.group_state_maps[s], root);
    states.push_back(std::move(entry));
  }
  j["states"] = states;

  const int k = networks.networks;
  ordered_json transition = ordered_json::array();
  for (int r = 0; r < k; ++r) {
    transition.push_back(std::vector<double>(networks.transition.begin() + r * k,
                                             networks.transition.begin() + (r + 1) * k));
  }
  ordered_json loadings = ordered_json::array();
  for (int64_t p = 0; p < networks.regions; ++p) {
    loadings.push_back(std::vector<double>(networks.loadings.begin() + p * k,
                                           networks.loadings.begin() + (p + 1) * k));
  }
  j["networks"] = {{"count", k},
                   {"model", "x[t] = A x[t-1] + e[t], e ~ N(0, I); BOLD = HRF * x, unit variance"},
                   {"transition", transition},
                   {"oscillator_frequencies_hz", networks.frequencies_hz},
                   {"oscillator_damping", networks.damping},
                   {"loadings", loadings}};

  ordered_json subject_json = ordered_json::array();
  for (const auto& subject : subjects) {
    ordered_json per_state = ordered_json::object();
    for (size_t s = 0; s < space.states.size(); ++s) {
      BidsName name = truth_name(space, "groundtruth", ".nii.gz");
      name.set("sub", subject.label).set("desc", space.states[s].name);
      per_state[space.states[s].name] = {
          {"amplitude", subject.state_amplitude[s]},
          {"extent_scale", subject.extent_scale[s]},
          {"shift_mm", subject.shift_mm[s]},
          {"map", (fs::path(kGroundTruthFolder) / name.filename()).generic_string()}};
    }
    subject_json.push_back({{"label", subject.label},
                            {"motion_scale", subject.motion_scale},
                            {"intensity_scale", subject.intensity_scale},
                            {"states", per_state}});
  }
  j["subjects"] = subject_json;

  ordered_json runs = ordered_json::array();
  for (const auto& run : summary.runs) {
    ordered_json r;
    r["subject"] = run.subject;
    r["task"] = run.task;
    r["run"] = run.run;
    r["design"] = run.task_run ? run.design : "rest";
    r["frames"] = run.frames;
    r["bold"] = relative_to_root(run.bold, root);
    r["mask"] = relative_to_root(run.mask, root);
    r["confounds"] = relative_to_root(run.confounds, root);
    if (run.task_run) r["events"] = relative_to_root(run.events, root);
    r["spike_frames"] = run.spike_frames;
    r["mean_framewise_displacement"] = run.mean_framewise_displacement;
    runs.push_back(std::move(r));
  }
  j["runs"] = runs;
  j["notes"] = summary.notes;
  core::write_text_atomically(file, j.dump(2) + "\n");
}

}  // namespace neuro
