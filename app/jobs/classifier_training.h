#pragma once
// Training a window classifier on labelled windows (fine-tuning a pretrained
// encoder, or from scratch) and applying it: shared by cross-validated
// decoding, `neuroseq train` and `neuroseq evaluate`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/jobs/encoder_model.h"
#include "app/jobs/encoder_windows.h"
#include "app/jobs/job_context.h"
#include "app/jobs/model_preset.h"
#include "core/models/window_classifier.h"

namespace jobs {

// What a decoder is built from: the architecture (the pretrained encoder's,
// else the preset's), the preset's fine-tuning settings, and the pretrained
// weights when there are some.
struct DecoderRecipe {
  ModelPreset preset;
  TrainingSettings settings;
  std::optional<PretrainedEncoder> pretrained;
  core::EncoderConfig encoder;  // parcels: set by fit_to_series
};

// `steps` overrides the preset's fine-tuning steps. Throws std::runtime_error
// "<who>: ..." for windows longer than the encoder takes.
DecoderRecipe make_decoder_recipe(const std::string& preset,
                                  const std::filesystem::path& pretrained,
                                  std::optional<int64_t> steps, int64_t window_frames,
                                  const std::string& who);

// The encoder's input size from the series; a pretrained encoder first checks
// that the series has its parcels, by name and in order.
void fit_to_series(DecoderRecipe& recipe, const neuro::ParcelSeries& series,
                   const std::string& atlas);

// The pretrained encoder's weights into `model`, its learning rates scaled by
// settings.encoder_lr_scale; nothing without a pretrained encoder.
void load_pretrained(core::WindowClassifier& model, const DecoderRecipe& recipe);

// Class-weighted cross-entropy (weights n / (K n_k), so every state counts
// alike) on batches drawn from (seed, step) among `rows` of `refs`: first
// settings.head_warmup_steps steps that update the head alone (cosine decay,
// no warm-up), then settings.steps that update every parameter. Throws
// Cancelled when the context's cancel flag is raised. Returns the number of
// windows seen.
int64_t train_classifier(core::WindowClassifier& model, std::span<const WindowRef> refs,
                         std::span<const size_t> rows, int64_t frames,
                         const TrainingSettings& settings, uint64_t seed, const std::string& what,
                         const JobContext& context);

// The decided state of each window `rows` of `refs`.
std::vector<int> predict_windows(core::WindowClassifier& model, std::span<const WindowRef> refs,
                                 std::span<const size_t> rows, int64_t frames);

// The pooled encoder output of each window: [rows, D].
std::vector<float> pooled_features(core::WindowClassifier& model, std::span<const WindowRef> refs,
                                   std::span<const size_t> rows, int64_t frames);

}  // namespace jobs
