#include "app/jobs/pretrain_job.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/jobs/encoder_model.h"
#include "app/jobs/encoder_windows.h"
#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"
#include "core/models/model_io.h"
#include "core/models/pretraining.h"
#include "core/train/trainer.h"

namespace jobs {

namespace {

constexpr int kValidationBatches = 4;
constexpr uint64_t kValidationSeed = 0x56414C49u;  // "VALI"

struct Corpus {
  std::vector<neuro::DatasetIndex> indexes;  // own the runs the series point to
  std::vector<RunSeries> training;
  std::vector<RunSeries> validation;
  std::vector<std::string> parcels;
};

Corpus load_corpus(const PretrainConfig& config, const JobContext& context) {
  Corpus corpus;
  corpus.indexes.reserve(config.datasets.size());
  std::vector<RunSeries> all;
  for (size_t d = 0; d < config.datasets.size(); ++d) {
    const auto& dataset = config.datasets[d];
    corpus.indexes.push_back(index_for(dataset, config.recipe, config.filters));
    for (const auto& w : corpus.indexes.back().warnings)
      context.note(w);
    if (corpus.indexes.back().runs.empty()) {
      throw std::runtime_error(dataset.string() + ": no BOLD run to pretrain on");
    }
    const double from = static_cast<double>(d) / static_cast<double>(config.datasets.size());
    const double to = static_cast<double>(d + 1) / static_cast<double>(config.datasets.size());
    auto runs = prepare_all_runs(corpus.indexes.back(), config.recipe, context.slice(from, to));
    if (corpus.parcels.empty()) corpus.parcels = runs.front().series.names;
    if (runs.front().series.names != corpus.parcels) {
      throw std::runtime_error(dataset.string() +
                               ": its regions differ from the first dataset's; pretrain on "
                               "datasets in one space with one atlas");
    }
    for (auto& r : runs)
      all.push_back(std::move(r));
  }
  // Every k-th run (k from the fraction) is held out, at least one when there
  // are two or more, so that validation sees whole unseen runs.
  const size_t every =
      config.validation_fraction > 0
          ? std::max<size_t>(2, static_cast<size_t>(std::lround(1.0 / config.validation_fraction)))
          : 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool hold_out = every > 0 && all.size() >= 2 && i % every == every - 1;
    (hold_out ? corpus.validation : corpus.training).push_back(std::move(all[i]));
  }
  if (every > 0 && all.size() >= 2 && corpus.validation.empty()) {
    corpus.validation.push_back(std::move(corpus.training.back()));
    corpus.training.pop_back();
  }
  return corpus;
}

std::string history_tsv(const core::TrainingHistory& history) {
  std::string text = "step\ttraining_loss\tvalidation_loss\n";
  size_t v = 0;
  char line[128];
  for (size_t s = 0; s < history.loss.size(); ++s) {
    std::string validation = "n/a";
    if (v < history.validation.size() &&
        history.validation[v].first == static_cast<int64_t>(s + 1)) {
      std::snprintf(line, sizeof(line), "%.6g", history.validation[v++].second);
      validation = line;
    }
    std::snprintf(line, sizeof(line), "%zu\t%.6g\t%s\n", s + 1, history.loss[s],
                  validation.c_str());
    text += line;
  }
  return text;
}

}  // namespace

PretrainResult run_pretrain(const PretrainConfig& config, const JobContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (config.datasets.empty()) throw std::runtime_error("pretrain: no dataset given");
  if (config.output.empty()) throw std::runtime_error("pretrain: no output folder given");
  const ModelPreset preset = load_preset(config.preset);
  core::EncoderConfig encoder = preset.encoder;
  const core::PretrainObjective objective =
      config.objective ? core::parse_objective(*config.objective) : preset.objective;
  TrainingSettings settings = preset.pretrain;
  if (config.steps) settings.steps = *config.steps;
  const int64_t frames = config.frames > 0 ? config.frames : encoder.max_frames;
  if (frames < 2 || frames > encoder.max_frames) {
    throw std::runtime_error("pretrain: window length " + std::to_string(frames) +
                             " must be in [2, " + std::to_string(encoder.max_frames) + "]");
  }
  const auto checkpoint = config.output / "checkpoint.safetensors";
  if (!config.resume && std::filesystem::exists(checkpoint)) {
    throw std::runtime_error(checkpoint.string() +
                             ": a checkpoint of an earlier run is there; pass --resume to "
                             "continue it or choose another output folder");
  }

  const Corpus corpus = load_corpus(config, context.slice(0.0, 0.2));
  encoder.parcels = static_cast<int64_t>(corpus.parcels.size());
  PretrainResult result;
  result.parcels = encoder.parcels;
  result.training_runs = static_cast<int>(corpus.training.size());
  result.validation_runs = static_cast<int>(corpus.validation.size());
  context.note("pretraining on " + std::to_string(result.training_runs) + " runs, " +
               std::to_string(result.validation_runs) + " held out; " +
               std::to_string(encoder.parcels) + " parcels");

  core::PretrainingModel model(encoder, objective, config.seed, preset.mask_ratio);
  core::TrainerOptions options = trainer_options(settings, config.seed);
  options.checkpoint_every = config.checkpoint_every;
  options.validate_every = std::max<int64_t>(1, settings.steps / 10);
  options.checkpoint = checkpoint;
  core::Trainer trainer(model.parameters(), options);
  if (config.resume && std::filesystem::exists(checkpoint)) {
    trainer.resume(checkpoint);
    context.note("resumed from " + checkpoint.string() + " at step " +
                 std::to_string(trainer.steps_done()));
  }

  std::vector<core::WindowBatch> validation;
  for (int i = 0; i < kValidationBatches && !corpus.validation.empty(); ++i)
    validation.push_back(sample_windows(corpus.validation, settings.batch, frames,
                                        config.seed ^ kValidationSeed, static_cast<uint64_t>(i)));
  nlohmann::json model_config = {{"kind", kPretrainedKind},
                                 {"encoder", core::to_json(encoder)},
                                 {"objective", core::objective_name(objective)},
                                 {"mask_ratio", preset.mask_ratio},
                                 {"parcels", corpus.parcels},
                                 {"atlas", config.recipe.atlas.filename().string()},
                                 {"preset", preset.name},
                                 {"window_frames", frames}};
  core::TrainerHooks hooks;
  hooks.model_config = model_config;
  hooks.loss_and_grad = [&](const core::ForwardMode& mode) {
    return model.loss(sample_windows(corpus.training, settings.batch, frames, mode.seed, mode.step),
                      mode, true);
  };
  if (!validation.empty()) {
    hooks.validation_loss = [&] {
      double sum = 0;
      for (size_t i = 0; i < validation.size(); ++i)
        sum +=
            model.loss(validation[i], {.training = false, .seed = config.seed, .step = i}, false);
      const double loss = sum / static_cast<double>(validation.size());
      context.record("validation loss", static_cast<double>(trainer.steps_done()), loss);
      return loss;
    };
  }
  const JobContext training_context = context.slice(0.2, 1.0);
  hooks.on_step = [&](const core::TrainingStep& s) {
    context.record("train loss", static_cast<double>(s.step + 1), s.loss);
    if (s.step % 5 != 0 && s.step + 1 != settings.steps) return;
    char message[128];
    std::snprintf(message, sizeof(message), "step %lld/%lld, loss %.4f",
                  static_cast<long long>(s.step + 1), static_cast<long long>(settings.steps),
                  s.loss);
    training_context.report(static_cast<double>(s.step + 1) / static_cast<double>(settings.steps),
                            message);
  };
  hooks.should_stop = [&] { return context.cancel && context.cancel->load(); };
  const core::TrainingOutcome outcome = trainer.run(hooks);
  result.steps = outcome.steps_done;
  result.stopped = outcome.stopped;
  if (outcome.stopped) {
    context.note("stopped at step " + std::to_string(outcome.steps_done) + "; " +
                 checkpoint.string() + " holds the state: rerun with --resume to continue");
    throw Cancelled();
  }

  const auto& loss = outcome.history.loss;
  result.first_loss = loss.front();
  const size_t tail = std::min<size_t>(20, loss.size());
  for (size_t i = loss.size() - tail; i < loss.size(); ++i)
    result.last_loss += loss[i] / static_cast<double>(tail);
  if (!outcome.history.validation.empty())
    result.validation_loss = outcome.history.validation.back().second;
  for (const auto& batch : validation) {
    double sum = 0;
    for (float v : batch.x.values())
      sum += std::abs(v);
    result.validation_baseline +=
        sum / static_cast<double>(batch.x.numel()) / static_cast<double>(validation.size());
  }

  std::vector<std::filesystem::path> inputs{config.recipe.atlas};
  nlohmann::json resolved = {{"datasets", nlohmann::json::array()},
                             {"preset", preset.name},
                             {"preset_file", preset.file.string()},
                             {"objective", core::objective_name(objective)},
                             {"steps", settings.steps},
                             {"batch", settings.batch},
                             {"lr", settings.lr},
                             {"window_frames", frames},
                             {"validation_fraction", config.validation_fraction},
                             {"seed", std::to_string(config.seed)},
                             {"recipe", recipe_record(config.recipe)}};
  for (const auto& d : config.datasets)
    resolved["datasets"].push_back(d.string());
  model_config["training"] = {{"steps", result.steps},
                              {"final_loss", result.last_loss},
                              {"validation_loss", result.validation_loss},
                              {"validation_baseline", result.validation_baseline}};
  model_config["config"] = resolved;
  model_config["provenance"] = provenance_record(inputs);
  result.model = config.output / "model.safetensors";
  core::save_checkpoint(result.model, core::parameter_tensors(model.parameters()), model_config);
  core::write_text_atomically(config.output / "history.tsv", history_tsv(outcome.history));
  nlohmann::json record = {{"config", resolved},
                           {"result",
                            {{"steps", result.steps},
                             {"first_loss", result.first_loss},
                             {"final_loss", result.last_loss},
                             {"validation_loss", result.validation_loss},
                             {"validation_baseline", result.validation_baseline},
                             {"training_runs", result.training_runs},
                             {"validation_runs", result.validation_runs}}},
                           {"provenance", model_config["provenance"]}};
  core::write_text_atomically(config.output / "pretrain.json", record.dump(2) + "\n");
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  context.report(1.0, "wrote " + result.model.string());
  return result;
}

}  // namespace jobs
