#include "app/jobs/decode_encoder_job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/jobs/classifier_training.h"
#include "app/jobs/decoding_timeline.h"
#include "app/jobs/encoder_windows.h"
#include "app/jobs/labelled_data.h"
#include "app/jobs/provenance.h"
#include "core/linear/softmax_regression.h"
#include "core/models/window_classifier.h"
#include "core/nn/seeds.h"

namespace jobs {

EncoderDecodeResult run_decode_encoder(const EncoderDecodeConfig& config,
                                       const JobContext& context) {
  if (config.output.empty()) throw std::runtime_error("decode: no output folder given");
  if (config.freeze && config.pretrained.empty()) {
    throw std::runtime_error("decode: --freeze needs a pretrained encoder (--pretrained)");
  }
  if (config.permutations > 0 && !config.freeze) {
    throw std::runtime_error(
        "decode: a permutation test retrains the model each time; it is offered for frozen "
        "encoders and the linear baseline");
  }
  DecoderRecipe recipe = make_decoder_recipe(config.preset, config.pretrained, config.steps,
                                             config.windows.length, "decode");
  const auto& settings = recipe.settings;
  const auto& encoder = recipe.encoder;
  const bool pretrained = recipe.pretrained.has_value();

  EncoderDecodeResult result;
  DecodingSummary& summary = result.summary;
  const LabelledData data = load_labelled_data(config.dataset, config.filters, config.recipe,
                                               config.windows, {}, context.slice(0, 0.3));
  fit_to_series(recipe, data.runs.front().series, config.recipe.atlas.string());
  summary.states = data.states;
  const WindowTable& table = data.table;
  const auto& runs = data.runs;
  const auto& refs = data.refs;
  const int k = static_cast<int>(summary.states.size());
  const int64_t frames = config.windows.length;
  const auto folds = make_folds(
      {config.folds, config.train_subjects, config.test_subjects, config.max_train_subjects}, table,
      config.dataset);

  summary.model = config.label.empty()
                      ? std::string(core::mixer_name(encoder.mixer)) +
                            (pretrained ? (config.freeze ? "-frozen" : "-pretrained") : "-scratch")
                      : config.label;
  summary.subjects = table.subjects;
  summary.folds = static_cast<int>(folds.size());

  std::vector<int> predicted(table.states.size(), -1);
  std::vector<DecodedRun> timelines;
  std::vector<double> null_accuracy(static_cast<size_t>(config.permutations), 0.0);
  std::vector<long> null_correct(static_cast<size_t>(config.permutations), 0);
  const auto started = std::chrono::steady_clock::now();
  int64_t trained_windows = 0;
  for (size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    const JobContext fold_context =
        context.slice(0.3 + 0.7 * f / folds.size(), 0.3 + 0.7 * (f + 1) / folds.size());
    if (fold.train.empty() || fold.test.empty()) {
      throw std::runtime_error(config.dataset.string() + ": fold " + std::to_string(f + 1) +
                               " has no training or no test window");
    }
    core::WindowClassifier model(encoder, k, core::submodule_seed(config.seed, f),
                                 decoder_pooling(settings, encoder));
    load_pretrained(model, recipe);
    std::vector<int> fold_predicted;
    if (config.freeze) {
      const int64_t d = encoder.dim;
      auto train = pooled_features(model, refs, fold.train, frames);
      auto test = pooled_features(model, refs, fold.test, frames);
      standardize_with_training(train, test, d);
      const auto fit = [&](std::span<const int> labels) {
        core::SoftmaxRegression head;
        core::SoftmaxRegressionOptions options;
        options.l2 = config.l2;
        options.balanced_classes = true;
        head.fit(train, static_cast<int64_t>(fold.train.size()), d, labels, k, options);
        return head.predict(test, static_cast<int64_t>(fold.test.size()));
      };
      std::vector<int> labels;
      for (size_t r : fold.train)
        labels.push_back(table.states[r]);
      fold_predicted = fit(labels);
      for (int p = 0; p < config.permutations; ++p) {
        fold_context.check_cancel();
        const auto shuffled =
            permute_within_runs(table, fold.train, config.seed + static_cast<uint64_t>(p));
        const auto null_predicted = fit(shuffled);
        for (size_t i = 0; i < fold.test.size(); ++i)
          null_correct[static_cast<size_t>(p)] += null_predicted[i] == table.states[fold.test[i]];
      }
    } else {
      const std::string what = "fold " + std::to_string(f + 1) + "/" + std::to_string(folds.size());
      trained_windows += train_classifier(model, refs, fold.train, frames, settings,
                                          core::submodule_seed(config.seed, 1000 + f), what,
                                          fold_context.slice(0.0, 0.9));
      fold_predicted = predict_windows(model, refs, fold.test, frames);
    }
    for (size_t i = 0; i < fold.test.size(); ++i)
      predicted[fold.test[i]] = fold_predicted[i];
    if (!config.freeze) {
      const auto fold_timelines = decode_timelines(model, runs, table, fold.test, frames);
      timelines.insert(timelines.end(), fold_timelines.begin(), fold_timelines.end());
    }
    context.note("fold " + std::to_string(f + 1) + " of " + std::to_string(folds.size()) + " done");
  }
  result.training_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (trained_windows > 0)
    result.windows_per_second = static_cast<double>(trained_windows) / result.training_seconds;

  score_tested_windows(summary, table.states, predicted);
  if (config.permutations > 0) {
    for (size_t p = 0; p < null_correct.size(); ++p)
      null_accuracy[p] =
          static_cast<double>(null_correct[p]) / static_cast<double>(summary.windows);
    summary.permutations = config.permutations;
    summary.permutation_p = permutation_p_value(summary.scores.accuracy, null_accuracy);
  }

  nlohmann::json resolved = decoding_config_record(config, data.windows);
  resolved.update({{"preset", recipe.preset.name},
                   {"encoder", core::to_json(encoder)},
                   {"pretrained", config.pretrained.string()},
                   {"freeze", config.freeze},
                   {"steps", settings.steps},
                   {"batch", settings.batch},
                   {"lr", settings.lr},
                   {"encoder_lr_scale", settings.encoder_lr_scale},
                   {"head_warmup_steps", settings.head_warmup_steps},
                   {"pooling", core::to_string(decoder_pooling(settings, encoder))}});
  std::vector<std::filesystem::path> inputs{config.recipe.atlas};
  if (pretrained) inputs.push_back(config.pretrained);
  write_decoding_outputs(config.output, summary, table, predicted, frames, resolved,
                         provenance_record(inputs));
  write_windows_per_state(config.output, data.runs, data.windows);
  if (!timelines.empty()) {
    write_timeline_tsv(config.output / ("model-" + summary.model + "_timeline.tsv"), summary.states,
                       timelines);
  }
  context.report(1.0, "decoded " + std::to_string(summary.windows) + " windows");
  return result;
}

}  // namespace jobs
