#pragma once
// Training losses. Each returns the loss and its gradient with respect to the
// prediction (same shape). Every loss is a mean, so that the learning rate
// does not depend on the batch size or on how many elements a mask keeps.
//
// The arithmetic is done in double: the Tensor forms widen their float32
// inputs, call the raw forms below and round the gradient once. Losses are
// cheap next to the encoder, and double keeps means over millions of elements
// and softmax normalisers accurate. The raw forms are public so that gradient
// checks can run entirely in double.

#include <cstdint>
#include <span>
#include <vector>

#include "core/tensor/tensor.h"

namespace core {

struct LossResult {
  double value = 0;
  Tensor grad;  // dLoss/dprediction, the prediction's shape
};

struct CrossEntropyOptions {
  // Per-class weights [K]; empty means all 1. As in torch.nn.CrossEntropyLoss,
  // the mean is weighted: sum_i w[y_i] nll_i / sum_i w[y_i].
  std::vector<double> class_weights;
  // Samples with this target contribute nothing (torch's default, -100).
  int ignore_index = -100;
};

// Softmax cross-entropy from logits [B, K] and integer targets [B] in [0, K)
// (or ignore_index). When every sample is ignored, or their weights sum to 0,
// the loss and gradient are 0 (torch returns NaN), so that a fully unlabelled
// batch does not poison training.
LossResult cross_entropy(const Tensor& logits, std::span<const int> targets,
                         const CrossEntropyOptions& options = {});

// mean((pred - target)^2) and mean(|pred - target|) over all elements; pred
// and target have the same shape. The L1 gradient at pred == target is 0.
LossResult mse_loss(const Tensor& pred, const Tensor& target);
LossResult l1_loss(const Tensor& pred, const Tensor& target);

// The same over pred, target [B, L, P] where mask [B, L] is 1 at the time
// points that count (e.g. those hidden from the encoder in masked
// pretraining) and 0 elsewhere; the mean runs over the P values of each
// counted time point. Other mask values throw. No counted time point gives a
// loss and gradient of 0.
LossResult masked_mse_loss(const Tensor& pred, const Tensor& target, const Tensor& mask);
LossResult masked_l1_loss(const Tensor& pred, const Tensor& target, const Tensor& mask);

// Raw forms in double, row-major. Each returns the loss and writes the
// gradient into `grad` (the prediction's size).
double cross_entropy(std::span<const double> logits, int64_t classes, std::span<const int> targets,
                     const CrossEntropyOptions& options, std::span<double> grad);

enum class PointLoss { kSquared, kAbsolute };

// mean over the counted elements of loss(pred - target). `mask` is empty (all
// count) or holds one 0/1 value per `row` consecutive elements of pred.
double pointwise_loss(PointLoss kind, std::span<const double> pred, std::span<const double> target,
                      std::span<const double> mask, int64_t row, std::span<double> grad);

}  // namespace core
