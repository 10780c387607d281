#pragma once
// LongConv: the long-convolution sequence mixer of Fu et al. 2023 ("Simple
// Hardware-Efficient Long Convolutions for Sequence Modeling"), [B, L, H] ->
// [B, L, H]. Each channel has an explicit kernel as long as the longest
// sequence, regularised on every forward pass:
//   k_eff = dropout(squash(smooth(k))),  y = k_eff * u + D u,
// smooth a moving average, squash the soft threshold sign(k) relu(|k| - λ)
// (core/nn/kernel_regularisation.h) and dropout the kernel's own Philox mask
// while training. The regularisation keeps the learned kernel smooth and
// sparse, which is what lets a plain parameterised kernel match SSMs.

#include <cstdint>
#include <string>

#include "core/nn/module.h"

namespace core {

struct LongConvConfig {
  int64_t channels = 0;  // H
  int64_t length = 0;    // the kernel's length: the longest sequence it covers whole
  // Adds an anticausal half, k [H, 2, length] (kernels/cpu/long_conv.h).
  bool bidirectional = false;
  bool smooth = true;
  int64_t smooth_window = 7;  // odd
  float squash_lambda = 0.003f;
  float kernel_dropout = 0.0f;  // in [0, 1); the reference configs use 0.2
  // Separates this kernel's dropout mask from other dropout layers'.
  uint64_t dropout_stream = 0;
  // The reference trains the kernel at learning rate 1e-3 with a base rate
  // of 1e-2, without weight decay.
  float kernel_lr_scale = 0.1f;
  // The kernel starts as N(0, init_scale^2). It must sit well above
  // squash_lambda after smoothing: below it the soft threshold zeroes the
  // kernel and its gradient, and the kernel never trains.
  float init_scale = 0.02f;
};

// The kernel after regularisation, and what its gradient needs.
struct RegularisedKernel {
  Tensor kernel;      // [H, length] or [H, 2, length]
  Tensor pre_squash;  // the squash's input (smoothed or raw), same shape
  Tensor mask;        // dropout factors, same shape; empty when dropout is off
};

class LongConv final : public Module {
 public:
  // The kernel starts N(0, 0.002^2) (the reference's "random" init) from
  // Philox stream 0 of `seed`, D starts N(0, 1) from stream 1. Parameters
  // are "<name>.kernel" (no weight decay, config.kernel_lr_scale) and
  // "<name>.D".
  LongConv(std::string name, const LongConvConfig& config, uint64_t seed);

  const LongConvConfig& config() const { return config_; }
  Parameter& kernel() { return kernel_; }  // [H, length] or [H, 2, length]
  Parameter& skip() { return skip_; }      // D [H]

  // The kernel as forward uses it under `mode` (dropout only when training).
  RegularisedKernel regularised_kernel(const ForwardMode& mode) const;

 protected:
  // [B, L, H] with any L >= 1: a sequence shorter than the kernel uses its
  // first L taps (the others cannot reach an output), a longer one sees
  // nothing beyond the kernel's length.
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  // Exact gradients through the regularisation: dropout's mask, the squash's
  // dead zone (zero gradient), and the moving average's adjoint.
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Epsilon rule of the linear map u -> k_eff * u + D u (core/nn/conv_mixing.h).
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  int64_t directions() const { return config_.bidirectional ? 2 : 1; }

  LongConvConfig config_;
  Parameter kernel_;
  Parameter skip_;
};

}  // namespace core
