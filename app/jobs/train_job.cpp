#include "app/jobs/train_job.h"

#include <chrono>
#include <numeric>
#include <stdexcept>

#include "app/jobs/classifier_training.h"
#include "app/jobs/decoder_model.h"
#include "app/jobs/labelled_data.h"
#include "app/jobs/model_preset.h"
#include "app/jobs/provenance.h"

namespace jobs {

TrainResult run_train(const TrainConfig& config, const JobContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (config.output.empty()) throw std::runtime_error("train: no output folder given");
  DecoderRecipe recipe = make_decoder_recipe(config.preset, config.pretrained, config.steps,
                                             config.windows.length, "train");

  const LabelledData data = load_labelled_data(config.dataset, config.filters, config.recipe,
                                               config.windows, {}, context.slice(0, 0.3));
  const auto& series = data.runs.front().series;
  fit_to_series(recipe, series, config.recipe.atlas.string());
  core::WindowClassifier model(recipe.encoder, static_cast<int64_t>(data.states.size()),
                               config.seed, decoder_pooling(recipe.settings, recipe.encoder));
  load_pretrained(model, recipe);
  std::vector<size_t> rows(data.refs.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  train_classifier(model, data.refs, rows, config.windows.length, recipe.settings, config.seed,
                   "training", context.slice(0.3, 0.95));

  TrainResult result;
  result.states = data.states;
  result.subjects = data.table.subjects;
  result.windows = static_cast<long>(rows.size());
  const auto predicted = predict_windows(model, data.refs, rows, config.windows.length);
  result.training_accuracy = static_cast<double>(count_correct(data.table.states, predicted)) /
                             static_cast<double>(rows.size());

  std::vector<std::filesystem::path> inputs{config.recipe.atlas};
  if (recipe.pretrained) inputs.push_back(config.pretrained);
  const nlohmann::json extra = {
      {"preset", recipe.preset.name},
      {"pretrained", config.pretrained.string()},
      {"dataset", std::filesystem::weakly_canonical(config.dataset).string()},
      {"subjects", result.subjects},
      {"training_accuracy", result.training_accuracy},
      {"recipe", recipe_record(config.recipe)},
      {"training",
       {{"steps", recipe.settings.steps},
        {"batch", recipe.settings.batch},
        {"lr", recipe.settings.lr},
        {"encoder_lr_scale", recipe.settings.encoder_lr_scale},
        {"head_warmup_steps", recipe.settings.head_warmup_steps},
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
