#include "app/jobs/train_bench.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "app/jobs/model_preset.h"
#include "core/models/window_classifier.h"
#include "core/random/philox.h"
#include "core/train/adamw.h"
#include "core/train/losses.h"

namespace jobs {

TrainBenchResult run_train_bench(const TrainBenchConfig& config) {
  if (config.batch < 1 || config.frames < 2 || config.parcels < 1 || config.states < 2 ||
      config.steps < 1 || config.warmup < 0) {
    throw std::invalid_argument("bench train: sizes out of range");
  }
  const ModelPreset preset = load_preset(config.preset);
  core::EncoderConfig encoder = preset.encoder;
  encoder.parcels = config.parcels;
  encoder.max_frames = std::max(encoder.max_frames, config.frames);
  core::WindowClassifier model(encoder, config.states, config.seed);
  auto parameters = model.parameters();
  core::AdamWOptions options;
  options.lr = preset.finetune.lr;
  options.weight_decay = preset.finetune.weight_decay;
  core::AdamW optimiser(parameters, options);

  // Four fixed batches in rotation, as the PyTorch twin does.
  std::vector<core::WindowBatch> batches(4);
  std::vector<std::vector<int>> targets(4);
  core::RandomStream rng(config.seed, 7);
  for (size_t i = 0; i < batches.size(); ++i) {
    batches[i].x = core::Tensor({config.batch, config.frames, config.parcels});
    for (float& v : batches[i].x.values())
      v = static_cast<float>(rng.normal());
    std::vector<double> tr(static_cast<size_t>(config.batch), 2.0);
    batches[i].seconds = core::elapsed_seconds(tr, config.frames);
    for (int64_t b = 0; b < config.batch; ++b)
      targets[i].push_back(static_cast<int>(rng.below(static_cast<uint64_t>(config.states))));
  }
  TrainBenchResult result;
  for (const auto* p : parameters)
    result.parameters += p->value.numel();
  for (int step = 0; step < config.warmup + config.steps; ++step) {
    const size_t i = static_cast<size_t>(step) % batches.size();
    const auto started = std::chrono::steady_clock::now();
    model.zero_grad();
    core::Context ctx;
    const core::ForwardMode mode{
        .training = true, .seed = config.seed, .step = static_cast<uint64_t>(step)};
    const auto logits = model.forward(batches[i], ctx, mode);
    const auto loss = core::cross_entropy(logits, targets[i]);
    model.backward(loss.grad, ctx);
    core::clip_grad_norm(parameters, preset.finetune.clip_norm);
    optimiser.step();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (step >= config.warmup) result.step_ms.push_back(ms);
  }
  std::vector<double> sorted = result.step_ms;
  std::sort(sorted.begin(), sorted.end());
  result.median_ms = sorted[sorted.size() / 2];
  result.windows_per_second = static_cast<double>(config.batch) / (result.median_ms / 1000.0);
  return result;
}

}  // namespace jobs
