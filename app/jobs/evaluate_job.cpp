#include "app/jobs/evaluate_job.h"

#include <numeric>
#include <set>
#include <stdexcept>

#include "app/jobs/classifier_training.h"
#include "app/jobs/decoder_model.h"
#include "app/jobs/decoding_timeline.h"
#include "app/jobs/labelled_data.h"
#include "app/jobs/provenance.h"

namespace jobs {

DecodingSummary run_evaluate(const EvaluateConfig& config, const JobContext& context) {
  if (config.output.empty()) throw std::runtime_error("evaluate: no output folder given");
  Decoder decoder = load_decoder(config.decoder);
  const int64_t frames = decoder.window_frames;
  const LabelledData data = load_labelled_data_for(
      decoder, config.dataset, config.filters, config.recipe, config.stride, context.slice(0, 0.5));
  // Subject labels repeat across datasets: only the training dataset's own
  // subjects are off limits.
  const auto trained_on = decoder.config.value("subjects", std::vector<std::string>());
  const std::set<std::string> seen(trained_on.begin(), trained_on.end());
  const bool same_dataset = decoder.config.value("dataset", std::string()) ==
                            std::filesystem::weakly_canonical(config.dataset).string();
  for (const auto& s : data.table.subjects) {
    if (same_dataset && seen.contains(s)) {
      throw std::runtime_error(config.decoder.string() + ": subject '" + s +
                               "' was in the training set; evaluate on unseen subjects "
                               "(--subject selects them)");
    }
  }

  std::vector<size_t> rows(data.refs.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  context.report(0.6, "decoding " + std::to_string(rows.size()) + " windows");
  const auto predicted = predict_windows(*decoder.model, data.refs, rows, frames);
  DecodingSummary summary;
  summary.model = "decoder";
  summary.states = data.states;
  summary.subjects = data.table.subjects;
  score_decisions(summary, data.table.states, predicted);

  const nlohmann::json resolved = {{"dataset", config.dataset.string()},
                                   {"decoder", config.decoder.string()},
                                   {"atlas", config.recipe.atlas.string()},
                                   {"window_length", frames},
                                   {"window_stride", config.stride}};
  write_decoding_outputs(config.output, summary, data.table, predicted, frames, resolved,
                         provenance_record({config.recipe.atlas, config.decoder}));
  const auto timelines = decode_timelines(*decoder.model, data.runs, data.table, rows, frames);
  write_timeline_tsv(config.output / "model-decoder_timeline.tsv", data.states, timelines);
  context.report(1.0, "evaluated " + std::to_string(rows.size()) + " windows");
  return summary;
}

}  // namespace jobs
