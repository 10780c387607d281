#pragma once
// Training a window classifier on labelled windows (fine-tuning a pretrained
// encoder, or from scratch) and applying it: shared by cross-validated
// decoding, `neuroseq train` and `neuroseq evaluate`.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "app/jobs/encoder_windows.h"
#include "app/jobs/job_context.h"
#include "app/jobs/model_preset.h"
#include "core/models/window_classifier.h"

namespace jobs {

// Class-weighted cross-entropy (weights n / (K n_k), so every state counts
// alike) on batches drawn from (seed, step) among `rows` of `refs`. Throws
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
