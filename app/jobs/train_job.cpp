#include "app/jobs/train_job.h"

#include <chrono>
#include <numeric>
#include <stdexcept>

#include "app/jobs/classifier_training.h"
#include "app/jobs/decoder_model.h"
#include "app/jobs/encoder_model.h"
#include "app/jobs/labelled_data.h"
#include "app/jobs/model_preset.h"
#include "app/jobs/provenance.h"
#include "core/models/model_io.h"

namespace jobs {

TrainResult run_train(const TrainConfig& config, const JobContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (config.output.empty()) throw std::runtime_error("train: no output folder given");
  const ModelPreset preset = load_preset(config.preset);
  std::optional<PretrainedEncoder> pretrained;
  if (!config.pretrained.empty()) pretrained = load_pretrained_encoder(config.pretrained);
  core::EncoderConfig encoder = pretrained ? pretrained->config : preset.encoder;
  if (config.windows.length > encoder.max_frames) {
    throw std::runtime_error("train: windows of " + std::to_string(config.windows.length) +
                             " frames are longer than the encoder's " +
                             std::to_string(encoder.max_frames));
  }
  TrainingSettings settings = preset.finetune;
  if (config.steps) settings.steps = *config.steps;

  const LabelledData data = load_labelled_data(config.dataset, config.filters, config.recipe,
                                               config.windows, {}, context.slice(0, 0.3));
  const auto& series = data.runs.front().series;
  if (pretrained) {
    require_same_parcels(pretrained->file, pretrained->parcels, series,
                         config.recipe.atlas.string());
  }
  encoder.parcels = series.parcels;
  core::WindowClassifier model(encoder, static_cast<int64_t>(data.states.size()), config.seed);
  if (pretrained) {
    core::load_parameters(pretrained->weights, model.parameters(), pretrained->file.string(),
                          "encoder.");
    for (core::Parameter* p : model.encoder().parameters())
      p->lr_scale *= static_cast<float>(settings.encoder_lr_scale);
  }
  std::vector<size_t> rows(data.refs.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  train_classifier(model, data.refs, rows, config.windows.length, settings, config.seed, "training",
                   context.slice(0.3, 0.95));

  TrainResult result;
  result.states = data.states;
  result.subjects = data.table.subjects;
  result.windows = static_cast<long>(rows.size());
  const auto predicted = predict_windows(model, data.refs, rows, config.windows.length);
  long correct = 0;
  for (size_t i = 0; i < rows.size(); ++i)
    correct += predicted[i] == data.refs[i].state;
  result.training_accuracy = static_cast<double>(correct) / static_cast<double>(rows.size());

  std::vector<std::filesystem::path> inputs{config.recipe.atlas};
  if (pretrained) inputs.push_back(config.pretrained);
  const nlohmann::json extra = {
      {"preset", preset.name},
      {"pretrained", config.pretrained.string()},
      {"dataset", std::filesystem::weakly_canonical(config.dataset).string()},
      {"subjects", result.subjects},
      {"training_accuracy", result.training_accuracy},
      {"recipe",
       {{"atlas", config.recipe.atlas.string()},
        {"confounds", config.recipe.confounds},
        {"high_pass_hz", config.recipe.clean.high_pass_hz},
        {"hrf_lag_seconds", config.recipe.hrf_lag_seconds}}},
      {"training",
       {{"steps", settings.steps},
        {"batch", settings.batch},
        {"lr", settings.lr},
        {"encoder_lr_scale", settings.encoder_lr_scale},
        {"window_stride", config.windows.stride},
        {"seed", std::to_string(config.seed)}}},
      {"provenance", provenance_record(inputs)}};
  result.decoder = config.output / "decoder.safetensors";
  save_decoder(result.decoder, model, data.states, series.names, config.windows.length, extra);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  context.report(1.0, "wrote " + result.decoder.string());
  return result;
}

}  // namespace jobs
