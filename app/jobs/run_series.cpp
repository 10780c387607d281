#include "app/jobs/run_series.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <stdexcept>

#include "app/jobs/resources.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/signal/confounds.h"

namespace jobs {

namespace {

std::vector<std::string> union_of_trial_types(const neuro::DatasetIndex& index) {
  std::set<std::string> names;
  for (const auto& run : index.runs) {
    if (run.events.empty()) continue;
    for (const auto& e : neuro::read_events_tsv(run.events).events)
      names.insert(e.trial_type);
  }
  return {names.begin(), names.end()};
}

// A region can vanish from a run whose mask misses it; a decoder needs the
// same features everywhere, so only the regions present in every run stay.
void keep_common_parcels(std::vector<RunSeries>& runs, const JobContext& context) {
  if (runs.empty()) return;
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

std::vector<RunSeries> prepare_runs(const neuro::DatasetIndex& index, const SeriesRecipe& recipe,
                                    const std::vector<std::string>* states,
                                    const JobContext& context);

}  // namespace

std::vector<RunSeries> prepare_task_runs(const neuro::DatasetIndex& index,
                                         const SeriesRecipe& recipe,
                                         std::vector<std::string>& states,
                                         const JobContext& context) {
  if (states.empty()) states = union_of_trial_types(index);
  if (states.empty()) {
    const auto root = index.raw_root.empty() ? index.derivatives_root : index.raw_root;
    throw std::runtime_error(root.string() + ": no run has events: nothing to decode");
  }
  return prepare_runs(index, recipe, &states, context);
}

std::vector<RunSeries> prepare_all_runs(const neuro::DatasetIndex& index,
                                        const SeriesRecipe& recipe, const JobContext& context) {
  return prepare_runs(index, recipe, nullptr, context);
}

namespace {

std::vector<RunSeries> prepare_runs(const neuro::DatasetIndex& index, const SeriesRecipe& recipe,
                                    const std::vector<std::string>* states,
                                    const JobContext& context) {
  neuro::AtlasOptions atlas_options;
  atlas_options.names_file = recipe.atlas_names;
  atlas_options.resources_dir = resources_dir();
  const auto atlas = neuro::LabelAtlas::load(recipe.atlas, atlas_options);
  // Runs usually share one grid: resample once per grid.
  std::vector<neuro::LabelAtlas> atlas_on_grid;

  std::vector<RunSeries> out;
  size_t done = 0;
  for (const auto& run : index.runs) {
    ++done;
    if (states && run.events.empty()) continue;
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
    const neuro::LabelAtlas& grid_atlas = [&]() -> const neuro::LabelAtlas& {
      for (const auto& a : atlas_on_grid) {
        if (a.grid().same_as(bold.grid())) return a;
      }
      return atlas_on_grid.emplace_back(atlas.resampled_to(bold.grid()));
    }();
    const neuro::LabelsMasker masker(grid_atlas, mask);
    if (!masker.dropped_report().empty()) context.note(masker.dropped_report());
    RunSeries rs;
    rs.run = &run;
    rs.series = masker.extract(frames);
    std::optional<neuro::ConfoundTable> confounds;
    if (!run.confounds.empty() && !recipe.confounds.empty()) {
      confounds =
          neuro::select_confounds(neuro::read_confounds_tsv(run.confounds), recipe.confounds);
    }
    neuro::clean_series(rs.series, recipe.clean, confounds ? &*confounds : nullptr);
    if (states) {
      neuro::LabelOptions label_options;
      label_options.hrf_lag_seconds = recipe.hrf_lag_seconds;
      label_options.states = *states;
      rs.labels = neuro::labels_per_tr(neuro::read_events_tsv(run.events), rs.series.frames,
                                       rs.series.tr_seconds, label_options);
      for (const auto& note : rs.labels.notes)
        context.note(note);
    }
    out.push_back(std::move(rs));
  }
  keep_common_parcels(out, context);
  return out;
}

}  // namespace

}  // namespace jobs
