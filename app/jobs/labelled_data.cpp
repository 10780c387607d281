#include "app/jobs/labelled_data.h"

#include "app/jobs/encoder_model.h"

namespace jobs {

LabelledData load_labelled_data(const std::filesystem::path& dataset,
                                const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                const neuro::WindowSpec& windows, std::vector<std::string> states,
                                const JobContext& context) {
  LabelledData d;
  neuro::IndexOptions options;
  options.filters = filters;
  d.index = neuro::index_dataset(dataset, options);
  for (const auto& w : d.index.warnings)
    context.note(w);
  d.states = std::move(states);
  d.runs = prepare_task_runs(d.index, recipe, d.states, context);
  d.table = collect_windows(d.runs, windows);
  require_every_state(d.table, d.states, dataset, windows.length);
  d.refs.resize(d.table.run.size());
  for (size_t i = 0; i < d.refs.size(); ++i)
    d.refs[i] = {d.table.run[i], d.table.start[i], d.table.states[i], d.table.subject[i]};
  return d;
}

LabelledData load_labelled_data_for(const Decoder& decoder, const std::filesystem::path& dataset,
                                    const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                    int64_t stride, const JobContext& context) {
  LabelledData d = load_labelled_data(dataset, filters, recipe, {decoder.window_frames, stride},
                                      decoder.states, context);
  require_same_parcels(decoder.file, decoder.parcels, d.runs.front().series, recipe.atlas.string());
  return d;
}

}  // namespace jobs
