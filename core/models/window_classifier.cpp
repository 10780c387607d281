#include "core/models/window_classifier.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/nn/lrp_rules.h"
#include "core/nn/seeds.h"

namespace core {

namespace {
// Context layout: children {encoder, head}; saved {encoder output}.
enum Child : size_t { kEncoder, kHead };

void require_forward(const Context& ctx, const char* call) {
  if (ctx.children.size() != 2 || ctx.saved.size() != 1) {
    throw std::logic_error(std::string("window classifier: ") + call +
                           " needs the context of forward()");
  }
}
}  // namespace

Pooling default_pooling(const EncoderConfig& config) {
  return config.causal() ? Pooling::kLast : Pooling::kMean;
}

std::string to_string(Pooling pooling) {
  return pooling == Pooling::kLast ? "last" : "mean";
}

Pooling pooling_from_string(const std::string& name) {
  if (name == "last") return Pooling::kLast;
  if (name == "mean") return Pooling::kMean;
  throw std::invalid_argument("pooling must be last or mean, not '" + name + "'");
}

WindowClassifier::WindowClassifier(const EncoderConfig& config, int64_t states, uint64_t seed)
    : WindowClassifier(config, states, seed, default_pooling(config)) {}

WindowClassifier::WindowClassifier(const EncoderConfig& config, int64_t states, uint64_t seed,
                                   Pooling pooling)
    : encoder_(config, submodule_seed(seed, 0)),
      head_("head", config.dim, states, submodule_seed(seed, 1)),
      pooling_(pooling) {}

Tensor WindowClassifier::pool(const Tensor& y) const {
  const int64_t b = y.size(0), l = y.size(1), d = y.size(2);
  Tensor out({b, d});
  for (int64_t i = 0; i < b; ++i) {
    float* o = out.data() + i * d;
    if (pooling_ == Pooling::kLast) {
      std::copy_n(y.data() + (i * l + l - 1) * d, d, o);
      continue;
    }
    for (int64_t c = 0; c < d; ++c) {
      double sum = 0;
      for (int64_t t = 0; t < l; ++t)
        sum += y.data()[(i * l + t) * d + c];
      o[c] = static_cast<float>(sum / static_cast<double>(l));
    }
  }
  return out;
}

Tensor WindowClassifier::unpool_gradient(const Tensor& grad, const Shape& shape) const {
  const int64_t b = shape[0], l = shape[1], d = shape[2];
  Tensor out(shape);
  const bool last = pooling_ == Pooling::kLast;
  const float share = last ? 1.0f : 1.0f / static_cast<float>(l);
  for (int64_t i = 0; i < b; ++i)
    for (int64_t t = last ? l - 1 : 0; t < l; ++t)
      for (int64_t c = 0; c < d; ++c)
        out.data()[(i * l + t) * d + c] = grad.data()[i * d + c] * share;
  return out;
}

// Last-position pooling copies, so relevance goes where the value came from;
// mean pooling shares it in proportion to each frame's contribution (the
// epsilon rule of a linear map).
Tensor WindowClassifier::unpool_relevance(const Tensor& relevance, const Tensor& y,
                                          double epsilon) const {
  if (pooling_ == Pooling::kLast) return unpool_gradient(relevance, y.shape());
  const int64_t b = y.size(0), l = y.size(1), d = y.size(2);
  Tensor out(y.shape());
  for (int64_t i = 0; i < b; ++i)
    for (int64_t c = 0; c < d; ++c) {
      double sum = 0;
      for (int64_t t = 0; t < l; ++t)
        sum += y.data()[(i * l + t) * d + c];
      const double den = lrp_stabilise(sum, epsilon);
      const double ratio = den == 0.0 ? 0.0 : relevance.data()[i * d + c] / den;
      for (int64_t t = 0; t < l; ++t) {
        const int64_t at = (i * l + t) * d + c;
        out.data()[at] = static_cast<float>(y.data()[at] * ratio);
      }
    }
  return out;
}

Tensor WindowClassifier::features(const WindowBatch& batch, Context& ctx, const ForwardMode& mode) {
  ctx = Context{};
  ctx.mode = mode;
  ctx.input_shape = batch.x.shape();
  ctx.children.resize(2);
  const Tensor y = encoder_.forward(batch, ctx.children[kEncoder], mode);  // [B, L, D]
  ctx.saved = {y};
  return pool(y);
}

Tensor WindowClassifier::forward(const WindowBatch& batch, Context& ctx, const ForwardMode& mode) {
  const Tensor pooled = features(batch, ctx, mode);
  return head_.forward(pooled, ctx.children[kHead], mode);
}

Tensor WindowClassifier::backward(const Tensor& grad_logits, const Context& ctx) {
  require_forward(ctx, "backward");
  const Tensor grad_pooled = head_.backward(grad_logits, ctx.children[kHead]);
  return encoder_.backward(unpool_gradient(grad_pooled, ctx.saved[0].shape()),
                           ctx.children[kEncoder]);
}

Tensor WindowClassifier::relevance(const Tensor& relevance_logits, const Context& ctx,
                                   const LrpRule& rule) {
  require_forward(ctx, "relevance");
  const Tensor r_pooled = head_.relevance(relevance_logits, ctx.children[kHead], rule);
  return encoder_.relevance(unpool_relevance(r_pooled, ctx.saved[0], rule.epsilon),
                            ctx.children[kEncoder], rule);
}

std::vector<Parameter*> WindowClassifier::parameters() {
  std::vector<Parameter*> out = encoder_.parameters();
  for (Parameter* p : head_.parameters())
    out.push_back(p);
  return out;
}

void WindowClassifier::zero_grad() {
  encoder_.zero_grad();
  head_.zero_grad();
}

}  // namespace core
