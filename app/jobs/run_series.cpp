#include "app/jobs/run_series.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <stdexcept>

#include "app/jobs/resources.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/parcel_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/signal/confounds.h"

namespace jobs {

namespace {

// A region can vanish from a run whose mask misses it; a decoder needs the
// same features everywhere, so only the regions present in every run stay.
void keep_common_parcels(std::vector<RunSeries>& runs, const JobContext& context) {
  // Maps atlases keep every region in every run.
  if (runs.empty() || runs[0].series.labels.empty()) return;
  std::set<int> common(runs[0].series.labels.begin(), runs[0].series.labels.end());
  for (const auto& r : runs) {
    const std::set<int> here(r.series.labels.begin(), r.series.labels.end());
    std::set<int> both;
    std::set_intersection(common.begin(), common.end(), here.begin(), here.end(),
                          std::inserter(both, both.begin()));
    common.swap(both);
  }
  for (auto& r : runs) {
    auto& s = r.series;
    if (static_cast<size_t>(s.parcels) == common.size()) continue;
    std::vector<int64_t> keep;
    for (int64_t p = 0; p < s.parcels; ++p) {
      if (common.count(s.labels[static_cast<size_t>(p)])) keep.push_back(p);
    }
    neuro::ParcelSeries kept(s.frames, static_cast<int64_t>(keep.size()), s.tr_seconds);
    for (size_t j = 0; j < keep.size(); ++j) {
      kept.names[j] = s.names[static_cast<size_t>(keep[j])];
      kept.labels.push_back(s.labels[static_cast<size_t>(keep[j])]);
      for (int64_t t = 0; t < s.frames; ++t)
        kept.at(t, static_cast<int64_t>(j)) = s.at(t, keep[j]);
    }
    context.note(r.run->bold.filename().string() + ": " + std::to_string(s.parcels - kept.parcels) +
                 " regions missing from other runs were left out");
    s = std::move(kept);
  }
}

struct Labelling {
  neuro::StateMap map;
  std::vector<std::string> states;
};

std::vector<RunSeries> prepare_runs(const neuro::DatasetIndex& index, const SeriesRecipe& recipe,
                                    const Labelling* labelling, const JobContext& context);

}  // namespace

neuro::DatasetIndex index_for(const std::filesystem::path& dataset, const SeriesRecipe& recipe,
                              const neuro::IndexFilters& filters) {
  neuro::IndexOptions options;
  options.filters = filters;
  if (recipe.derivatives.empty()) return neuro::index_dataset(dataset, options);
  return neuro::index_dataset(dataset, recipe.derivatives, options);
}

nlohmann::json recipe_record(const SeriesRecipe& recipe) {
  const auto& rule = recipe.labels.rule;
  nlohmann::json labels = {{"state_column", recipe.labels.events.state_column},
                           {"states", recipe.labels.states},
                           {"rule", neuro::label_rule_name(rule.rule)}};
  if (rule.rule == neuro::LabelRule::kHrf) {
    labels["min_peak_fraction"] = rule.min_peak_fraction;
    labels["dominance"] = rule.dominance;
  } else {
    labels["hrf_lag_seconds"] = rule.hrf_lag_seconds;
    labels["merge_gap_seconds"] = rule.merge_gap_seconds;
  }
  return {{"atlas", recipe.atlas.string()},
          {"derivatives", recipe.derivatives.string()},
          {"brain_mask", recipe.use_brain_mask},
          {"high_pass_hz", recipe.clean.high_pass_hz},
          {"confounds", !recipe.use_confounds ? nlohmann::json("none")
                        : !recipe.confounds.empty()
                            ? nlohmann::json(recipe.confounds)
                            : nlohmann::json(neuro::describe(recipe.confound_strategy))},
          {"labels", labels}};
}

std::vector<RunSeries> prepare_task_runs(const neuro::DatasetIndex& index,
                                         const SeriesRecipe& recipe,
                                         std::vector<std::string>& states,
                                         const JobContext& context) {
  Labelling labelling{dataset_states(index, recipe.labels), {}};
  if (states.empty()) states = labelling.map.states;
  labelling.states = states;
  return prepare_runs(index, recipe, &labelling, context);
}

std::vector<RunSeries> prepare_all_runs(const neuro::DatasetIndex& index,
                                        const SeriesRecipe& recipe, const JobContext& context) {
  return prepare_runs(index, recipe, nullptr, context);
}

namespace {

std::vector<RunSeries> prepare_runs(const neuro::DatasetIndex& index, const SeriesRecipe& recipe,
                                    const Labelling* labelling, const JobContext& context) {
  neuro::ParcelAtlasOptions atlas_options;
  atlas_options.names_file = recipe.atlas_names;
  atlas_options.resources_dir = resources_dir();
  const auto atlas = neuro::load_parcel_atlas(recipe.atlas, atlas_options);
  for (const auto& n : atlas.notes())
    context.note(n);
  // Runs usually share one grid: resample once per grid.
  std::vector<neuro::ParcelAtlas> atlas_on_grid;
  std::set<std::string> spaces_checked;

  NoteOnce note(context);
  std::vector<RunSeries> out;
  size_t done = 0;
  for (const auto& run : index.runs) {
    ++done;
    if (labelling && run.events.empty()) continue;
    context.check_cancel();
    context.report(static_cast<double>(done) / static_cast<double>(index.runs.size()),
                   "extracting " + run.bold.filename().string());
    const auto bold = neuro::StoredImage::open(run.bold);
    auto frames = bold.frames_view();
    // The sidecar's RepetitionTime is what BIDS says counts.
    if (run.repetition_time > 0) frames.tr_seconds = run.repetition_time;
    const neuro::BrainMask mask = recipe.use_brain_mask && !run.brain_mask.empty()
                                      ? neuro::BrainMask::load(run.brain_mask, bold.grid())
                                      : neuro::BrainMask::everywhere(bold.grid());
    if (spaces_checked.insert(run.space).second) {
      const auto check = atlas.check_space(run.space);
      if (check.level != neuro::SpaceCheck::Level::kNone) note(check.message);
    }
    const neuro::ParcelAtlas& grid_atlas = [&]() -> const neuro::ParcelAtlas& {
      for (const auto& a : atlas_on_grid) {
        if (a.grid().same_as(bold.grid())) return a;
      }
      return atlas_on_grid.emplace_back(atlas.resampled_to(bold.grid()));
    }();
    const neuro::ParcelMasker masker(grid_atlas, mask);
    if (!masker.dropped_report().empty()) note(masker.dropped_report());
    RunSeries rs;
    rs.run = &run;
    rs.series = masker.extract(frames);
    std::optional<neuro::ConfoundTable> confounds;
    std::vector<bool> censored;
    if (!run.confounds.empty() && recipe.use_confounds) {
      if (!recipe.confounds.empty()) {
        confounds =
            neuro::select_confounds(neuro::read_confounds_tsv(run.confounds), recipe.confounds);
      } else {
        auto selected = neuro::load_confounds(run.confounds, recipe.confound_strategy);
        for (const auto& n : selected.notes)
          note(run.confounds.filename().string() + ": " + n);
        confounds = std::move(selected.regressors);
        censored = std::move(selected.censored);
      }
    }
    neuro::clean_series(rs.series, recipe.clean, confounds ? &*confounds : nullptr);
    if (labelling) {
      auto labels = label_run(run, rs.series.frames, rs.series.tr_seconds, recipe.labels,
                              labelling->map, labelling->states);
      for (const auto& n : labels.events.notes)
        note(n);
      for (const auto& n : labels.labels.notes)
        note(n);
      rs.labels = std::move(labels.labels);
      rs.events = std::move(labels.events);
      for (size_t t = 0; t < censored.size() && t < rs.labels.frames.size(); ++t) {
        if (censored[t]) rs.labels.frames[t] = neuro::kUnlabelled;
      }
    }
    out.push_back(std::move(rs));
  }
  keep_common_parcels(out, context);
  return out;
}

}  // namespace

}  // namespace jobs
