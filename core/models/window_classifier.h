#pragma once
// A mental-state decoder: the encoder, its output pooled over time, and a
// linear head to one logit per state.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/models/encoder.h"
#include "core/nn/linear.h"

namespace core {

// How the encoder's output [B, L, D] becomes the head's input [B, D]: its
// last position, or its mean over the window.
enum class Pooling { kLast, kMean };

// The last position for causal encoders (which have seen the whole window
// there), the mean for bidirectional ones.
Pooling default_pooling(const EncoderConfig& config);
// "last" or "mean".
std::string to_string(Pooling pooling);
// Throws std::invalid_argument("pooling must be last or mean, not '<name>'").
Pooling pooling_from_string(const std::string& name);

class WindowClassifier {
 public:
  WindowClassifier(const EncoderConfig& config, int64_t states, uint64_t seed);
  WindowClassifier(const EncoderConfig& config, int64_t states, uint64_t seed, Pooling pooling);

  Encoder& encoder() { return encoder_; }
  Linear& head() { return head_; }
  int64_t states() const { return head_.out_features(); }
  Pooling pooling() const { return pooling_; }

  Tensor forward(const WindowBatch& batch, Context& ctx, const ForwardMode& mode = {});  // [B, C]
  // The pooled encoder output [B, D]: the head's input.
  Tensor features(const WindowBatch& batch, Context& ctx, const ForwardMode& mode = {});
  // dL/dx [B, L, P] from dL/dlogits [B, C].
  Tensor backward(const Tensor& grad_logits, const Context& ctx);
  // Relevance of x [B, L, P] from relevance of the logits [B, C].
  Tensor relevance(const Tensor& relevance_logits, const Context& ctx, const LrpRule& rule);

  // Encoder parameters first, then the head's.
  std::vector<Parameter*> parameters();
  void zero_grad();

 private:
  Tensor pool(const Tensor& y) const;  // [B, L, D] -> [B, D]
  Tensor unpool_gradient(const Tensor& grad, const Shape& y) const;
  Tensor unpool_relevance(const Tensor& relevance, const Tensor& y, double epsilon) const;

  Encoder encoder_;
  Linear head_;
  Pooling pooling_;
};

}  // namespace core
