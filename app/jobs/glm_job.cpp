#include "app/jobs/glm_job.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

#include "app/jobs/explanation_maps.h"
#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/events.h"
#include "neuro/bids/state_names.h"
#include "neuro/glm/first_level.h"
#include "neuro/glm/fixed_effects.h"
#include "neuro/glm/group_level.h"

namespace jobs {

namespace {

// The states with at least one event inside the run, in `states` order.
std::vector<std::string> states_in_run(const RunSeries& r, const std::vector<std::string>& states) {
  const double end = static_cast<double>(r.series.frames) * r.series.tr_seconds;
  std::vector<std::string> present;
  for (const auto& s : states) {
    const bool has =
        std::any_of(r.events.events.begin(), r.events.events.end(),
                    [&](const neuro::Event& e) { return e.trial_type == s && e.onset < end; });
    if (has) present.push_back(s);
  }
  return present;
}

// The run's first level over `present`, leaving out states whose regressor
// the fit cannot estimate (an event too close to the end, a state timed like
// another), each with a note; nullopt when fewer than `needed` remain.
template <typename Note>
std::optional<neuro::FirstLevelResult> fit_estimable_states(const RunSeries& r,
                                                            std::vector<std::string>& present,
                                                            neuro::NoiseModel noise_model,
                                                            size_t needed, const Note& note) {
  neuro::DesignOptions design_options;
  design_options.high_pass_hz = 0;  // the series are high-passed already
  neuro::GlmOptions fit_options;
  fit_options.noise_model = noise_model;
  for (;;) {
    if (present.size() < needed) {
      note(r.run->bold.filename().string() + ": " + std::to_string(present.size()) +
           " state(s) in this run: no state-versus-rest contrast; the run is left out of the GLM");
      return std::nullopt;
    }
    design_options.states = present;
    neuro::FirstLevelResult result;
    try {
      result.design =
          neuro::make_design_matrix(r.events, r.series.frames, r.series.tr_seconds, design_options);
      result.fit = neuro::fit_glm(result.design, r.series, fit_options);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(r.run->bold.string() + ": " + e.what());
    }
    std::vector<std::string> kept;
    for (size_t k = 0; k < present.size(); ++k) {
      if (result.fit.estimable[k]) {
        kept.push_back(present[k]);
      } else {
        note(r.run->bold.filename().string() + ": the regressor of '" + present[k] +
             "' cannot be estimated in this run (zero or collinear); its contrast is left out");
      }
    }
    if (kept.size() == present.size()) {
      for (const auto& contrast : neuro::one_vs_rest_contrasts(result.design))
        result.contrasts.push_back(neuro::compute_contrast(result.fit, contrast));
      return result;
    }
    present = std::move(kept);
  }
}

}  // namespace

ParcelGlm parcel_glm(const std::vector<RunSeries>& runs, const std::vector<std::string>& states,
                     neuro::NoiseModel noise_model, std::vector<std::string>* notes) {
  const auto note = [&](const std::string& text) {
    if (notes) notes->push_back(text);
  };
  ParcelGlm out;
  out.states = states;
  const size_t c = states.size();
  // Per subject and state, the run-level contrasts of the runs that have it.
  std::map<std::string, std::vector<std::vector<neuro::ContrastResult>>> by_subject;
  for (const auto& r : runs) {
    auto& per_state = by_subject[r.run->subject];
    per_state.resize(c);
    auto present = states_in_run(r, states);
    if (present.size() < c) {
      std::string missing;
      for (const auto& s : states) {
        if (std::find(present.begin(), present.end(), s) == present.end())
          missing += (missing.empty() ? "'" : ", '") + s + "'";
      }
      note(r.run->bold.filename().string() + ": no event of " + missing +
           " in this run; its contrasts are left out and the other runs' combined");
    }
    // "<state> vs rest" needs a rest: the run's other states. A dataset of one
    // state compares it with the implicit baseline instead.
    const auto fit = fit_estimable_states(r, present, noise_model, std::min<size_t>(2, c), note);
    if (!fit) continue;
    for (size_t k = 0; k < present.size(); ++k) {
      const auto s =
          static_cast<size_t>(std::find(states.begin(), states.end(), present[k]) - states.begin());
      per_state[s].push_back(fit->contrasts[k]);
    }
  }
  const size_t p = runs.empty() ? 0 : static_cast<size_t>(runs.front().series.parcels);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  // Per state, the subjects' fixed-effects combinations.
  std::vector<std::vector<neuro::ContrastResult>> per_state_subjects(c);
  for (const auto& [subject, per_state] : by_subject) {
    std::vector<double> z(c * p, kNaN);
    bool any = false;
    for (size_t s = 0; s < c; ++s) {
      if (per_state[s].empty()) continue;
      auto combined = neuro::fixed_effects(per_state[s]);
      std::copy(combined.z.begin(), combined.z.end(),
                z.begin() + static_cast<std::ptrdiff_t>(s * p));
      per_state_subjects[s].push_back(std::move(combined));
      any = true;
    }
    if (!any) continue;
    out.subjects.push_back(subject);
    out.subject_z.push_back(std::move(z));
  }
  if (out.subjects.size() < 2) {
    throw std::runtime_error("glm: a group level needs at least 2 subjects with task runs");
  }
  out.group_z.assign(c * p, kNaN);
  for (size_t s = 0; s < c; ++s) {
    if (per_state_subjects[s].size() < 2) {
      note("glm: state '" + states[s] + "' has contrasts in " +
           std::to_string(per_state_subjects[s].size()) + " subject(s): no group map");
      continue;
    }
    const auto group = neuro::one_sample_t(per_state_subjects[s]);
    std::copy(group.z.begin(), group.z.end(),
              out.group_z.begin() + static_cast<std::ptrdiff_t>(s * p));
    out.group_dof = group.dof;
  }
  return out;
}

ParcelGlm run_glm(const GlmConfig& config, const JobContext& context) {
  if (config.output.empty()) throw std::runtime_error("glm: no output folder given");
  const auto index = index_for(config.dataset, config.recipe, config.filters);
  for (const auto& w : index.warnings)
    context.note(w);
  std::vector<std::string> states;
  const auto runs = prepare_task_runs(index, config.recipe, states, context.slice(0, 0.6));
  context.report(0.6, "fitting " + std::to_string(runs.size()) + " runs");
  std::vector<std::string> notes;
  const ParcelGlm glm = parcel_glm(runs, states, config.noise_model, &notes);
  NoteOnce note(context);
  for (const auto& n : notes)
    note(n);
  const ParcelPainter painter(config.recipe.atlas, runs.front().series.names,
                              config.recipe.atlas_names);
  const std::string space = runs.front().run->space.empty() ? "unknown" : runs.front().run->space;
  neuro::DerivativeDescription description;
  description.name = "NeuroSeq GLM";
  description.version = neuroseq_version();
  neuro::write_dataset_description(config.output, description);
  const size_t p = static_cast<size_t>(runs.front().series.parcels);
  const auto labels = neuro::write_state_labels_tsv(config.output, states);
  const auto export_z = [&](const std::vector<double>& z, size_t s, const std::string& subject,
                            bool clusters) {
    std::vector<float> row(p);
    for (size_t i = 0; i < p; ++i)
      row[i] = static_cast<float>(z[s * p + i]);
    if (std::none_of(row.begin(), row.end(), [](float v) { return std::isfinite(v); })) return;
    const auto map = painter.paint(row);
    neuro::StatmapInfo info;
    info.intent = neuro::StatIntent::kZScore;
    info.method = "glm";
    info.state = states[s];
    info.units = "z";
    const neuro::StatmapName name{subject, "", space, "z", labels[s]};
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
      {"state_labels", labels},
      {"config",
       {{"dataset", config.dataset.string()},
        {"recipe", recipe_record(config.recipe)},
        {"cluster_z", config.cluster_z}}},
      {"provenance", provenance_record({config.recipe.atlas})}};
  core::write_text_atomically(config.output / "glm.json", record.dump(2) + "\n");
  context.report(1.0, "wrote " + std::to_string(states.size()) + " group z-maps");
  return glm;
}

}  // namespace jobs
