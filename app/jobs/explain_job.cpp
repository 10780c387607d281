#include "app/jobs/explain_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "app/jobs/classifier_training.h"
#include "app/jobs/decoder_model.h"
#include "app/jobs/explanation_evaluation.h"
#include "app/jobs/explanation_maps.h"
#include "app/jobs/explanation_report.h"
#include "app/jobs/glm_job.h"
#include "app/jobs/ground_truth.h"
#include "app/jobs/labelled_data.h"
#include "app/jobs/provenance.h"
#include "core/attribution/parcel_maps.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/state_names.h"

namespace jobs {

namespace {

constexpr size_t kChunk = 64;
const char* const kAllMethods[] = {
    "gradient", "saliency",          "input_x_gradient", "smoothgrad", "integrated_gradients",
    "lrp",      "occlusion_parcels", "occlusion_time"};

// Every window explained with `method`: relevance summed over time [W, P]
// and the per-window error.
struct MethodRelevance {
  core::Tensor parcels;  // [W, P]
  std::vector<int> targets;
  std::vector<double> error;
};

// Given `frame_maps`, also adds every window's relevance per frame to it
// (windows labelled `truth`, decoded as `predicted`).
MethodRelevance explain_all(core::WindowClassifier& model, const LabelledData& data, int64_t frames,
                            core::AttributionMethod method, const core::ExplainOptions& options,
                            const JobContext& context, core::StateFrameMaps* frame_maps = nullptr,
                            std::span<const int> predicted = {}, std::span<const int> truth = {}) {
  const size_t w = data.refs.size();
  const int64_t p = data.runs.front().series.parcels;
  MethodRelevance out{core::Tensor({static_cast<int64_t>(w), p}), {}, {}};
  std::vector<size_t> rows(w);
  std::iota(rows.begin(), rows.end(), size_t{0});
  for (size_t at = 0; at < w; at += kChunk) {
    context.check_cancel();
    context.report(static_cast<double>(at) / static_cast<double>(w), "explaining windows");
    const auto chunk = std::span(rows).subspan(at, std::min(kChunk, w - at));
    const auto batch = gather_windows(data.refs, chunk, frames);
    const auto e = core::explain(model, batch, method, options);
    if (frame_maps)
      frame_maps->add(e.relevance, predicted.subspan(at, chunk.size()),
                      truth.subspan(at, chunk.size()));
    const auto summed = core::parcel_relevance(e.relevance);  // [b, P]
    std::copy_n(summed.data(), summed.numel(), out.parcels.data() + static_cast<int64_t>(at) * p);
    out.error.insert(out.error.end(), e.error.begin(), e.error.end());
    out.targets.insert(out.targets.end(), e.target.begin(), e.target.end());
  }
  return out;
}

// [W, P] seen as windows of one frame [W, 1, P], the shape parcel maps take.
core::Tensor as_frames(const core::Tensor& parcels) {
  return parcels.reshape({parcels.size(0), 1, parcels.size(1)});
}

double mean_finite(const std::vector<double>& values) {
  double sum = 0;
  long n = 0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++n;
  return n ? sum / static_cast<double>(n) : std::nan("");
}

// The 90th percentile of |values|: the threshold of a map's cluster table.
double upper_decile(std::span<const float> values) {
  std::vector<float> magnitude;
  for (float v : values)
    if (std::isfinite(v) && v != 0.0f) magnitude.push_back(std::abs(v));
  if (magnitude.empty()) return 0.0;
  const auto at = magnitude.begin() + static_cast<std::ptrdiff_t>(magnitude.size() * 9 / 10);
  std::nth_element(magnitude.begin(), at, magnitude.end());
  return *at;
}

void export_frame_maps(const core::StateFrameMaps& frame_maps, const ParcelPainter& painter,
                       const std::filesystem::path& folder, const std::string& space,
                       const std::string& method, const LabelledData& data,
                       const std::vector<NamedState>& named) {
  const core::Tensor mean = frame_maps.mean();  // [C, L, P]
  const int64_t per_state = mean.size(1) * mean.size(2);
  for (size_t s = 0; s < data.states.size(); ++s) {
    if (frame_maps.windows()[s] == 0) continue;
    export_relevance_frames(std::span(mean.data() + static_cast<int64_t>(s) * per_state,
                                      static_cast<size_t>(per_state)),
                            mean.size(1), painter, folder, space, method, named[s],
                            data.runs.front().series.tr_seconds);
  }
}

// A state's group z-map needs maps from two subjects or more.
void export_group_level(const std::vector<core::StateParcelMaps>& subject_maps,
                        const ParcelPainter& painter, const std::filesystem::path& folder,
                        const std::string& space, const std::string& method,
                        const std::vector<NamedState>& states) {
  for (size_t s = 0; s < states.size(); ++s) {
    std::vector<double> rows;  // [S, P]
    int64_t subjects = 0;
    for (const auto& maps : subject_maps) {
      if (maps.windows[s] == 0) continue;
      const int64_t p = maps.mean.size(1);
      const float* row = maps.mean.data() + static_cast<int64_t>(s) * p;
      rows.insert(rows.end(), row, row + p);
      ++subjects;
    }
    if (subjects >= 2) export_group_z(rows, subjects, painter, folder, space, method, states[s]);
  }
}

}  // namespace

ExplainResult run_explain(const ExplainConfig& config, const JobContext& context) {
  if (config.output.empty()) throw std::runtime_error("explain: no output folder given");
  std::vector<core::AttributionMethod> methods;
  for (const auto& name : config.methods.empty() ? std::vector<std::string>(std::begin(kAllMethods),
                                                                            std::end(kAllMethods))
                                                 : config.methods)
    methods.push_back(core::parse_attribution_method(name));
  Decoder decoder = load_decoder(config.decoder);
  const int64_t frames = decoder.window_frames;
  const LabelledData data = load_labelled_data_for(
      decoder, config.dataset, config.filters, config.recipe, config.stride, context.slice(0, 0.2));
  const ParcelPainter painter(config.recipe.atlas, decoder.parcels, config.recipe.atlas_names);
  auto ground_truth_file = config.ground_truth;
  if (ground_truth_file.empty() && std::filesystem::exists(config.dataset / "sim/simulation.json"))
    ground_truth_file = config.dataset / "sim/simulation.json";
  std::optional<std::map<std::string, std::set<int>>> truth;
  if (!ground_truth_file.empty()) truth = read_ground_truth_regions(ground_truth_file);

  ExplainResult result;
  result.states = data.states;
  const int k = static_cast<int>(data.states.size());
  std::vector<size_t> rows(data.refs.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  const auto predicted = predict_windows(*decoder.model, data.refs, rows, frames);
  result.windows = static_cast<long>(rows.size());
  result.correct = count_correct(data.table.states, predicted);
  const std::string space =
      data.runs.front().run->space.empty() ? "unknown" : data.runs.front().run->space;
  // The GLM on the same series, for plausibility; it needs two subjects.
  std::optional<ParcelGlm> glm;
  if (data.table.subjects.size() >= 2) {
    glm = parcel_glm(data.runs, data.states, neuro::NoiseModel::ar1);
  } else {
    context.note("one subject: no group GLM to compare the maps with");
  }
  // The sanity check's model: the same architecture with fresh weights.
  core::WindowClassifier randomised(decoder.model->encoder().config(), k, config.seed + 7919);

  neuro::DerivativeDescription description;
  description.name = "NeuroSeq explanations";
  description.version = neuroseq_version();
  neuro::write_dataset_description(config.output, description);
  std::vector<NamedState> named;
  const auto labels = neuro::write_state_labels_tsv(config.output, data.states);
  for (size_t s = 0; s < data.states.size(); ++s)
    named.push_back({data.states[s], labels[s]});
  std::vector<MethodCurves> curves;
  for (size_t m = 0; m < methods.size(); ++m) {
    const auto started = std::chrono::steady_clock::now();
    const std::string name = core::attribution_method_name(methods[m]);
    const JobContext part =
        context.slice(0.2 + 0.75 * m / methods.size(), 0.2 + 0.75 * (m + 1) / methods.size());
    core::StateFrameMaps frame_maps(k, frames, static_cast<int64_t>(decoder.parcels.size()));
    const auto relevance =
        explain_all(*decoder.model, data, frames, methods[m], config.options, part.slice(0, 0.5),
                    &frame_maps, predicted, data.table.states);
    MethodScores scores;
    scores.method = name;
    scores.mean_error = mean_finite(relevance.error);
    const auto maps =
        core::state_parcel_maps(as_frames(relevance.parcels), predicted, data.table.states, k);
    // Each state's map with windows, written for `subject`.
    const auto export_maps = [&](const core::StateParcelMaps& state_maps,
                                 const std::string& subject) {
      for (int s = 0; s < k; ++s) {
        if (state_maps.windows[static_cast<size_t>(s)] == 0) continue;
        const auto row = std::span(state_maps.mean.data() + s * state_maps.mean.size(1),
                                   static_cast<size_t>(state_maps.mean.size(1)));
        export_relevance_map(painter.paint(row), painter, config.output, subject, space, name,
                             named[static_cast<size_t>(s)], upper_decile(row));
      }
    };
    export_maps(maps, "group");
    export_frame_maps(frame_maps, painter, config.output, space, name, data, named);
    // Per subject: the same maps from each subject's own windows, and the
    // group level over them.
    std::vector<core::StateParcelMaps> subject_maps;
    for (size_t subject = 0; subject < data.table.subjects.size(); ++subject) {
      std::vector<int> truth_of_subject(data.table.states);
      for (size_t i = 0; i < truth_of_subject.size(); ++i)
        if (data.table.subject[i] != static_cast<int>(subject)) truth_of_subject[i] = -1;
      subject_maps.push_back(
          core::state_parcel_maps(as_frames(relevance.parcels), predicted, truth_of_subject, k));
      export_maps(subject_maps.back(), data.table.subjects[subject]);
    }
    export_group_level(subject_maps, painter, config.output, space, name, named);
    const auto randomised_relevance =
        explain_all(randomised, data, frames, methods[m], config.options, part.slice(0.5, 0.7));
    const auto randomised_maps = core::state_parcel_maps(as_frames(randomised_relevance.parcels),
                                                         predicted, data.table.states, k);
    part.report(0.7, "evaluating");
    curves.push_back(evaluate_method(*decoder.model, data, frames, relevance.parcels,
                                     relevance.targets, maps, randomised_maps, painter.labels(),
                                     truth, glm ? &glm->group_z : nullptr, config.seed, scores));
    scores.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    write_faithfulness_tsv(config.output, curves.back());
    write_window_relevance_tsv(config.output, name, data, predicted, relevance.targets,
                               relevance.parcels, decoder.parcels);
    result.methods.push_back(scores);
    context.note(name + ": done in " + std::to_string(static_cast<int>(scores.seconds)) + " s");
  }
  result.report = write_explanation_report(
      config.output, result, curves, provenance_record({config.recipe.atlas, config.decoder}));
  context.report(1.0, "wrote " + result.report.string());
  return result;
}

}  // namespace jobs
