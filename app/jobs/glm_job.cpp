#include "app/jobs/glm_job.h"

#include <map>
#include <stdexcept>

#include "app/jobs/explanation_maps.h"
#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/events.h"
#include "neuro/glm/first_level.h"
#include "neuro/glm/group_level.h"

namespace jobs {

ParcelGlm parcel_glm(const std::vector<RunSeries>& runs, const std::vector<std::string>& states,
                     neuro::NoiseModel noise_model) {
  ParcelGlm out;
  out.states = states;
  std::map<std::string, std::vector<neuro::FirstLevelResult>> by_subject;
  neuro::FirstLevelOptions options;
  options.design.states = states;
  options.design.high_pass_hz = 0;  // the series are high-passed already
  options.fit.noise_model = noise_model;
  for (const auto& r : runs) {
    try {
      by_subject[r.run->subject].push_back(
          neuro::fit_first_level(r.series, neuro::read_events_tsv(r.run->events), options));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(r.run->bold.string() + ": " + e.what());
    }
  }
  if (by_subject.size() < 2) {
    throw std::runtime_error("glm: a group level needs at least 2 subjects with task runs");
  }
  const size_t c = states.size();
  const size_t p = static_cast<size_t>(runs.front().series.parcels);
  std::vector<std::vector<neuro::ContrastResult>> combined;
  for (const auto& [subject, fits] : by_subject) {
    out.subjects.push_back(subject);
    combined.push_back(neuro::combine_runs(fits));
    std::vector<double> z(c * p);
    for (size_t s = 0; s < c; ++s)
      std::copy(combined.back()[s].z.begin(), combined.back()[s].z.end(), z.begin() + s * p);
    out.subject_z.push_back(std::move(z));
  }
  out.group_z.resize(c * p);
  for (size_t s = 0; s < c; ++s) {
    std::vector<neuro::ContrastResult> per_subject;
    for (const auto& subject : combined)
      per_subject.push_back(subject[s]);
    const auto group = neuro::one_sample_t(per_subject);
    std::copy(group.z.begin(), group.z.end(), out.group_z.begin() + s * p);
    out.group_dof = group.dof;
  }
  return out;
}

ParcelGlm run_glm(const GlmConfig& config, const JobContext& context) {
  if (config.output.empty()) throw std::runtime_error("glm: no output folder given");
  neuro::IndexOptions index_options;
  index_options.filters = config.filters;
  const auto index = neuro::index_dataset(config.dataset, index_options);
  for (const auto& w : index.warnings)
    context.note(w);
  std::vector<std::string> states;
  const auto runs = prepare_task_runs(index, config.recipe, states, context.slice(0, 0.6));
  context.report(0.6, "fitting " + std::to_string(runs.size()) + " runs");
  const ParcelGlm glm = parcel_glm(runs, states, config.noise_model);
  const ParcelPainter painter(config.recipe.atlas, runs.front().series.names,
                              config.recipe.atlas_names);
  const std::string space = runs.front().run->space.empty() ? "unknown" : runs.front().run->space;
  neuro::DerivativeDescription description;
  description.name = "NeuroSeq GLM";
  description.version = neuroseq_version();
  neuro::write_dataset_description(config.output, description);
  const size_t p = static_cast<size_t>(runs.front().series.parcels);
  const auto export_z = [&](const std::vector<double>& z, size_t s, const std::string& subject,
                            bool clusters) {
    std::vector<float> row(p);
    for (size_t i = 0; i < p; ++i)
      row[i] = static_cast<float>(z[s * p + i]);
    const auto map = painter.paint(row);
    neuro::StatmapInfo info;
    info.intent = neuro::StatIntent::kZScore;
    info.method = "glm";
    info.state = states[s];
    info.units = "z";
    const neuro::StatmapName name{subject, "", space, "z", states[s]};
    write_map_and_clusters(map, info, config.output, name,
                           clusters ? std::optional<double>(config.cluster_z) : std::nullopt,
                           painter.atlas());
  };
  for (size_t s = 0; s < states.size(); ++s) {
    export_z(glm.group_z, s, "group", true);
    for (size_t subject = 0; subject < glm.subjects.size(); ++subject)
      export_z(glm.subject_z[subject], s, glm.subjects[subject], false);
  }
  nlohmann::json record = {
      {"states", states},
      {"subjects", glm.subjects},
      {"parcels", runs.front().series.names},
      {"group_z", glm.group_z},
      {"group_dof", glm.group_dof},
      {"noise_model", config.noise_model == neuro::NoiseModel::ar1 ? "ar1" : "ols"},
      {"config",
       {{"dataset", config.dataset.string()},
        {"atlas", config.recipe.atlas.string()},
        {"cluster_z", config.cluster_z}}},
      {"provenance", provenance_record({config.recipe.atlas})}};
  core::write_text_atomically(config.output / "glm.json", record.dump(2) + "\n");
  context.report(1.0, "wrote " + std::to_string(states.size()) + " group z-maps");
  return glm;
}

}  // namespace jobs
