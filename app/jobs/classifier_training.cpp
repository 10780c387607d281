#include "app/jobs/classifier_training.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "core/models/model_io.h"
#include "core/nn/seeds.h"
#include "core/random/philox.h"
#include "core/train/losses.h"
#include "core/train/trainer.h"

namespace jobs {

namespace {
constexpr int64_t kEvalBatch = 64;
constexpr uint64_t kBatchStream = 0x42415443u;     // "BATC"
constexpr uint64_t kHeadWarmupSeed = 0x48454144u;  // "HEAD"
}  // namespace

DecoderRecipe make_decoder_recipe(const std::string& preset,
                                  const std::filesystem::path& pretrained,
                                  std::optional<int64_t> steps, int64_t window_frames,
                                  const std::string& who) {
  DecoderRecipe r{load_preset(preset), {}, std::nullopt, {}};
  r.settings = r.preset.finetune;
  if (steps) r.settings.steps = *steps;
  if (!pretrained.empty()) r.pretrained = load_pretrained_encoder(pretrained);
  r.encoder = r.pretrained ? r.pretrained->config : r.preset.encoder;
  if (window_frames > r.encoder.max_frames) {
    throw std::runtime_error(who + ": windows of " + std::to_string(window_frames) +
                             " frames are longer than the encoder's " +
                             std::to_string(r.encoder.max_frames));
  }
  return r;
}

void fit_to_series(DecoderRecipe& recipe, const neuro::ParcelSeries& series,
                   const std::string& atlas) {
  if (recipe.pretrained) {
    require_same_parcels(recipe.pretrained->file, recipe.pretrained->parcels, series, atlas);
  }
  recipe.encoder.parcels = series.parcels;
}

void load_pretrained(core::WindowClassifier& model, const DecoderRecipe& recipe) {
  if (!recipe.pretrained) return;
  core::load_parameters(recipe.pretrained->weights, model.parameters(),
                        recipe.pretrained->file.string(), "encoder.");
  for (core::Parameter* p : model.encoder().parameters())
    p->lr_scale *= static_cast<float>(recipe.settings.encoder_lr_scale);
}

int64_t train_classifier(core::WindowClassifier& model, std::span<const WindowRef> refs,
                         std::span<const size_t> rows, int64_t frames,
                         const TrainingSettings& settings, uint64_t seed, const std::string& what,
                         const JobContext& context) {
  const int k = static_cast<int>(model.states());
  std::vector<double> counts(static_cast<size_t>(k), 0.0);
  for (size_t r : rows)
    counts[static_cast<size_t>(refs[r].state)] += 1;
  core::CrossEntropyOptions ce;
  for (double c : counts)
    ce.class_weights.push_back(c > 0 ? static_cast<double>(rows.size()) / (k * c) : 0);
  const auto batch = std::min<int64_t>(settings.batch, static_cast<int64_t>(rows.size()));
  const auto loss_and_grad = [&](const core::ForwardMode& mode) {
    core::RandomStream rng(mode.seed ^ (mode.step * 0x9E3779B97F4A7C15ull), kBatchStream);
    std::vector<size_t> picked(static_cast<size_t>(batch));
    std::vector<int> targets(picked.size());
    for (size_t i = 0; i < picked.size(); ++i) {
      picked[i] = rows[rng.below(rows.size())];
      targets[i] = refs[picked[i]].state;
    }
    core::Context ctx;
    const auto logits = model.forward(gather_windows(refs, picked, frames), ctx, mode);
    const auto loss = core::cross_entropy(logits, targets, ce);
    model.backward(loss.grad, ctx);
    return loss.value;
  };
  const int64_t head_steps = settings.head_warmup_steps;
  const int64_t all_steps = head_steps + settings.steps;
  // Both phases are trainer runs of their own, each keyed by its own seed, so
  // each is as deterministic as any trainer run; the encoder is fixed in the
  // first because the optimiser there holds the head's parameters only.
  const auto run_phase = [&](std::vector<core::Parameter*> parameters,
                             const TrainingSettings& phase, uint64_t phase_seed,
                             int64_t steps_before, const std::string& label) {
    core::Trainer trainer(std::move(parameters), trainer_options(phase, phase_seed));
    core::TrainerHooks hooks;
    hooks.loss_and_grad = loss_and_grad;
    hooks.on_step = [&](const core::TrainingStep& s) {
      const int64_t done = steps_before + s.step + 1;
      context.record("train loss", static_cast<double>(done), s.loss);
      if (s.step % 10 != 0 && s.step + 1 != phase.steps) return;
      char message[160];
      std::snprintf(message, sizeof(message), "%s: step %lld/%lld, loss %.4f", label.c_str(),
                    static_cast<long long>(done), static_cast<long long>(all_steps), s.loss);
      context.report(static_cast<double>(done) / static_cast<double>(all_steps), message);
    };
    hooks.should_stop = [&] { return context.cancel && context.cancel->load(); };
    if (trainer.run(hooks).stopped) throw Cancelled();
  };
  if (head_steps > 0) {
    TrainingSettings head_only = settings;
    head_only.steps = head_steps;
    // Warm-up protects an encoder from a fresh head's large gradients; with
    // the encoder fixed there is nothing to protect.
    head_only.warmup_steps = 0;
    run_phase(model.head().parameters(), head_only, core::submodule_seed(seed, kHeadWarmupSeed), 0,
              what + " (head only)");
  }
  run_phase(model.parameters(), settings, seed, head_steps, what);
  return all_steps * batch;
}

std::vector<int> predict_windows(core::WindowClassifier& model, std::span<const WindowRef> refs,
                                 std::span<const size_t> rows, int64_t frames) {
  std::vector<int> out;
  out.reserve(rows.size());
  for (size_t at = 0; at < rows.size(); at += kEvalBatch) {
    const auto chunk = rows.subspan(at, std::min<size_t>(kEvalBatch, rows.size() - at));
    core::Context ctx;
    const auto logits = model.forward(gather_windows(refs, chunk, frames), ctx);
    const int64_t k = logits.size(1);
    for (int64_t i = 0; i < logits.size(0); ++i) {
      const float* row = logits.data() + i * k;
      out.push_back(static_cast<int>(std::max_element(row, row + k) - row));
    }
  }
  return out;
}

std::vector<float> pooled_features(core::WindowClassifier& model, std::span<const WindowRef> refs,
                                   std::span<const size_t> rows, int64_t frames) {
  std::vector<float> out;
  for (size_t at = 0; at < rows.size(); at += kEvalBatch) {
    const auto chunk = rows.subspan(at, std::min<size_t>(kEvalBatch, rows.size() - at));
    core::Context ctx;
    const auto f = model.features(gather_windows(refs, chunk, frames), ctx);
    out.insert(out.end(), f.values().begin(), f.values().end());
  }
  return out;
}

}  // namespace jobs
