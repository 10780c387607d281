#pragma once
// Inverted dropout: while training, each element is kept with probability
// 1 - p and scaled by 1 / (1 - p); otherwise the identity. The mask is a pure
// function of (seed, step, stream, element index) through Philox, so it is
// the same on any backend, thread count or evaluation order.

#include <cstdint>
#include <string>

#include "core/nn/module.h"

namespace core {

// The factor dropout applies to element `index` of a tensor at training step
// `step`: 0 (dropped) or 1 / (1 - p) (kept). `stream` separates the dropout
// layers of one model, so that two layers with equal shapes do not drop the
// same elements. Steps count modulo 2^64 like the element index; the stream
// is folded into the Philox key.
float dropout_factor(uint64_t seed, uint64_t step, uint64_t stream, uint64_t index, float p);
// factors[i] = dropout_factor(seed, step, stream, i, p) for i < n, computed a
// Philox block (four elements) at a time.
void dropout_factors(uint64_t seed, uint64_t step, uint64_t stream, float p, float* factors,
                     int64_t n);

class Dropout final : public Module {
 public:
  // p in [0, 1).
  Dropout(std::string name, float p, uint64_t stream = 0);

  float p() const { return p_; }
  uint64_t stream() const { return stream_; }

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  // Uses ctx.mode: training, seed and step.
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Identity rule: relevance passes through unchanged. Dropout is off when
  // explaining; with a mask, y = m x is a diagonal map whose epsilon rule is
  // the identity, and a dropped element (y = 0) receives no relevance from
  // the layers above in the first place.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;

 private:
  bool active(const Context& ctx) const { return ctx.mode.training && p_ > 0.0f; }

  float p_;
  uint64_t stream_;
};

}  // namespace core
