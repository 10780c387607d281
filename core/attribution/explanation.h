#pragma once
// What every attribution method returns, and the pieces they share: which
// state each window's explanation starts from, eval-mode logits, and the
// gradient of one logit per window with respect to the input.
//
// Every method explains, per window, one state's logit: the state the model
// predicts (target = kPredicted) or a state chosen by the caller (the same
// for every window). All forward passes run in eval mode (no dropout).

#include <cstdint>
#include <string>
#include <vector>

#include "core/models/window_classifier.h"

namespace core {

// The target of an explanation: each window's arg-max state.
inline constexpr int kPredicted = -1;

struct Explanation {
  Tensor relevance;           // [B, L, P]: the shape of the batch's x
  std::vector<int> target;    // [B]: the state explained in each window
  std::vector<double> logit;  // [B]: that state's logit at x
  std::vector<double> error;  // [B]: completeness / conservation error; NaN: not applicable
};

// Eval-mode logits [B, C] of a batch.
Tensor eval_logits(WindowClassifier& model, const WindowBatch& batch);

// The state each window explains: `target` for all, or each window's arg-max
// (first on ties) for kPredicted. Throws std::invalid_argument("<who>: ...")
// for a target outside [0, C) other than kPredicted.
std::vector<int> resolve_targets(const Tensor& logits, int target, const std::string& who);

// logits[b, targets[b]] for each window b.
std::vector<double> target_logits(const Tensor& logits, const std::vector<int>& targets);

// d logits[b, targets[b]] / d x [B, L, P] at batch.x, in eval mode. When
// `logits` is given it receives the forward's logits [B, C]. The model's
// parameter gradients are left as they were.
Tensor target_gradient(WindowClassifier& model, const WindowBatch& batch,
                       const std::vector<int>& targets, Tensor* logits = nullptr);

// The same batch (seconds, mask) with other parcel values [B, L, P].
WindowBatch with_x(const WindowBatch& batch, Tensor x);

// Throws std::invalid_argument("<who>: expected x of rank 3 [B, L, P], got ...")
// for a batch that no method can explain.
void require_window_batch(const WindowBatch& batch, const std::string& who);

// An Explanation with NaN errors (the methods that have no error to report).
Explanation make_explanation(Tensor relevance, std::vector<int> target, std::vector<double> logit);

}  // namespace core
