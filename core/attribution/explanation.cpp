#include "core/attribution/explanation.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace core {

namespace {

// Restores the model's parameter gradients on scope exit: backward adds
// dL/dθ into them, which an explanation must not leave behind.
class KeepParameterGradients {
 public:
  explicit KeepParameterGradients(WindowClassifier& model) : params_(model.parameters()) {
    saved_.reserve(params_.size());
    for (const Parameter* p : params_)
      saved_.push_back(p->grad.empty() ? Tensor() : p->grad.clone());
  }
  // In place where the buffer is still there, so that views of it (an
  // optimiser's) see the restored values.
  ~KeepParameterGradients() {
    for (size_t i = 0; i < params_.size(); ++i) {
      Tensor& grad = params_[i]->grad;
      if (!saved_[i].empty() && !grad.empty() && grad.shape() == saved_[i].shape()) {
        std::copy_n(saved_[i].data(), grad.numel(), grad.data());
      } else {
        grad = std::move(saved_[i]);
      }
    }
  }
  KeepParameterGradients(const KeepParameterGradients&) = delete;
  KeepParameterGradients& operator=(const KeepParameterGradients&) = delete;

 private:
  std::vector<Parameter*> params_;
  std::vector<Tensor> saved_;
};

}  // namespace

void require_window_batch(const WindowBatch& batch, const std::string& who) {
  if (batch.x.rank() != 3 || batch.x.numel() == 0) {
    throw std::invalid_argument(who + ": expected x of rank 3 [B, L, P], got " +
                                batch.x.shape().to_string());
  }
}

Tensor eval_logits(WindowClassifier& model, const WindowBatch& batch) {
  Context ctx;
  return model.forward(batch, ctx, ForwardMode{});
}

std::vector<int> resolve_targets(const Tensor& logits, int target, const std::string& who) {
  const int64_t b = logits.size(0), c = logits.size(1);
  if (target != kPredicted && (target < 0 || target >= c)) {
    throw std::invalid_argument(who + ": target state " + std::to_string(target) +
                                " is outside [0, " + std::to_string(c) +
                                ") (or -1 for the predicted state)");
  }
  std::vector<int> out(static_cast<size_t>(b), target);
  if (target != kPredicted) return out;
  for (int64_t i = 0; i < b; ++i) {
    const float* row = logits.data() + i * c;
    int best = 0;
    for (int64_t k = 1; k < c; ++k)
      if (row[k] > row[best]) best = static_cast<int>(k);
    out[static_cast<size_t>(i)] = best;
  }
  return out;
}

std::vector<double> target_logits(const Tensor& logits, const std::vector<int>& targets) {
  const int64_t c = logits.size(1);
  std::vector<double> out(targets.size());
  for (size_t i = 0; i < targets.size(); ++i)
    out[i] = logits.data()[static_cast<int64_t>(i) * c + targets[i]];
  return out;
}

Tensor target_gradient(WindowClassifier& model, const WindowBatch& batch,
                       const std::vector<int>& targets, Tensor* logits) {
  KeepParameterGradients keep(model);
  Context ctx;
  Tensor out = model.forward(batch, ctx, ForwardMode{});  // [B, C]
  const int64_t c = out.size(1);
  Tensor seed(out.shape());  // one-hot at each window's target
  for (size_t i = 0; i < targets.size(); ++i)
    seed.data()[static_cast<int64_t>(i) * c + targets[i]] = 1.0f;
  Tensor grad = model.backward(seed, ctx);  // [B, L, P]
  if (logits) *logits = std::move(out);
  return grad;
}

WindowBatch with_x(const WindowBatch& batch, Tensor x) {
  return WindowBatch{std::move(x), batch.seconds, batch.masked};
}

Explanation make_explanation(Tensor relevance, std::vector<int> target, std::vector<double> logit) {
  std::vector<double> error(target.size(), std::numeric_limits<double>::quiet_NaN());
  return Explanation{std::move(relevance), std::move(target), std::move(logit), std::move(error)};
}

}  // namespace core
