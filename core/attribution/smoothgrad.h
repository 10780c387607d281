#pragma once
// SmoothGrad (Smilkov et al. 2017): the gradient of one logit per window,
// averaged over `samples` noisy copies of the input. Each window's noise has
// sd = sigma * (max - min of that window's x); the targets and logits are
// those of the clean input. The noise of copy s is Philox stream s of
// `seed`, drawn in the batch's row-major order, so a seed reproduces the
// result exactly.

#include <cstdint>

#include "core/attribution/explanation.h"

namespace core {

struct SmoothGradOptions {
  int samples = 50;     // n >= 1 noisy copies
  double sigma = 0.15;  // noise sd as a fraction of each window's range, >= 0
  uint64_t seed = 0;
};

// Throws std::invalid_argument("smoothgrad: <field> ...") for samples < 1 or
// a negative or non-finite sigma.
void validate(const SmoothGradOptions& options);

Explanation explain_smoothgrad(WindowClassifier& model, const WindowBatch& batch,
                               int target = kPredicted, const SmoothGradOptions& options = {});

}  // namespace core
