#include "app/jobs/labelled_data.h"

#include "app/jobs/encoder_model.h"
#include "app/jobs/state_windows.h"

namespace jobs {

LabelledData load_labelled_data(const std::filesystem::path& dataset,
                                const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                const neuro::WindowSpec& windows, std::vector<std::string> states,
                                const JobContext& context) {
  LabelledData d;
  d.index = index_for(dataset, recipe, filters);
  for (const auto& w : d.index.warnings)
    context.note(w);
  const bool fixed_states = !states.empty();
  d.states = std::move(states);
  d.runs = prepare_task_runs(d.index, recipe, d.states, context);
  d.windows = resolve_window_labelling(d.runs, windows);
  if (windows.labelling == neuro::WindowLabelling::kAuto &&
      d.windows.labelling == neuro::WindowLabelling::kLastFrame) {
    context.note(
        "windows are labelled by their last frame: more states have enough windows "
        "that way than with windows of one state throughout");
  }
  if (!fixed_states) keep_decodable_states(d.runs, d.states, d.windows, dataset, context);
  d.table = collect_windows(d.runs, d.windows);
  require_every_state(d.table, d.states, dataset, d.windows.length);
  d.refs.resize(d.table.run.size());
  for (size_t i = 0; i < d.refs.size(); ++i)
    d.refs[i] = {d.table.run[i], d.table.start[i], d.table.states[i], d.table.subject[i]};
  return d;
}

LabelledData load_labelled_data_for(const Decoder& decoder, const std::filesystem::path& dataset,
                                    const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                    int64_t stride, const JobContext& context) {
  LabelledData d = load_labelled_data(
      dataset, filters, recipe, {decoder.window_frames, stride, neuro::WindowLabelling::kAuto},
      decoder.states, context);
  require_same_parcels(decoder.file, decoder.parcels, d.runs.front().series, recipe.atlas.string());
  return d;
}

}  // namespace jobs
