#include "core/attribution/gradient.h"

#include <cmath>
#include <string>
#include <utility>

namespace core {

namespace {
Explanation gradient_of(WindowClassifier& model, const WindowBatch& batch, int target,
                        const std::string& who) {
  require_window_batch(batch, who);
  const std::vector<int> targets = resolve_targets(eval_logits(model, batch), target, who);
  Tensor logits;
  Tensor grad = target_gradient(model, batch, targets, &logits);
  std::vector<double> logit = target_logits(logits, targets);
  return make_explanation(std::move(grad), targets, std::move(logit));
}
}  // namespace

Explanation explain_gradient(WindowClassifier& model, const WindowBatch& batch, int target) {
  return gradient_of(model, batch, target, "gradient");
}

Explanation explain_saliency(WindowClassifier& model, const WindowBatch& batch, int target) {
  Explanation e = gradient_of(model, batch, target, "saliency");
  for (float& v : e.relevance.values())
    v = std::abs(v);
  return e;
}

Explanation explain_input_x_gradient(WindowClassifier& model, const WindowBatch& batch,
                                     int target) {
  Explanation e = gradient_of(model, batch, target, "input_x_gradient");
  const float* x = batch.x.data();
  float* r = e.relevance.data();
  for (int64_t i = 0; i < e.relevance.numel(); ++i)
    r[i] *= x[i];
  return e;
}

}  // namespace core
