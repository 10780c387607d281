#pragma once
// Hyena: the Hyena operator of order 2 (Poli et al. 2023, "Hyena Hierarchy"),
// following safari's HyenaOperator with one head, one block, inner factor 1
// and no outer mixing. [B, L, D] -> [B, L, D], L <= max_length:
//
//   u          = x W_in^T + b_in                        [B, L, 3D]  in_proj
//   uc         = causal depthwise conv_3(u) + b_short   [B, L, 3D]  short_filter
//   x0, x1, v  = uc[.., 0:D], uc[.., D:2D], uc[.., 2D:3D]
//   p          = v * x1                                 first gate
//   c          = h * p + D_skip * p                     long conv, h = HyenaFilter
//   g          = c * x0                                 second gate
//   y          = g W_out^T + b_out                      [B, L, D]   out_proj
//
// This is safari's order of operations for order 2: x = (x0, x1), the loop
// over reversed(x[1:]) gates v by x1 and convolves, and the result is gated
// by x0 before the output projection. The convolution runs through
// kernels::cpu::long_conv_* with the filter's kernel over all L lags and its
// skip weight D_skip (safari's filter bias).
//
// Relevance: projections by the Linear rules; each gate a * b splits half
// and half, or with LrpRule::gate_half_half = false treats the gate (x1,
// then x0) as a constant so all relevance follows the signal (v, then c);
// the long and short convolutions are linear layers for fixed weights and
// use the epsilon rule with rule.epsilon whatever the rule's kind. The
// filter, which depends on no input, receives no relevance. With zero
// biases (in_proj, short filter, out_proj) relevance is conserved; the skip
// weight is part of the convolution's linear map, not a bias.

#include <cstdint>
#include <string>

#include "core/nn/hyena_filter.h"
#include "core/nn/linear.h"
#include "core/nn/module.h"

namespace core {

struct HyenaConfig {
  int64_t dim = 0;         // D
  int64_t max_length = 0;  // longest input, and the filter's time grid
  int64_t short_filter_taps = 3;
  int64_t filter_width = 64;  // the implicit filter's MLP width
  int64_t filter_emb_dim = 5;
  int64_t filter_inner_layers = 2;
  float filter_sine_freq = 1.0f;
};

class Hyena final : public Module {
 public:
  // Parameters, in parameters() order, named as safari's state dict:
  // "<name>.in_proj.weight/bias", "<name>.short_filter.weight" [3D, K]
  // (PyTorch's [3D, 1, K]) and ".bias", the filter's under
  // "<name>.filter_fn." (see HyenaFilter), "<name>.out_proj.weight/bias".
  // The short filter starts uniform in +-1/sqrt(K) (PyTorch's Conv1d).
  // Throws std::invalid_argument on a config out of range.
  Hyena(std::string name, const HyenaConfig& config, uint64_t seed);

  const HyenaConfig& config() const { return config_; }
  Linear& in_proj() { return in_proj_; }
  Linear& out_proj() { return out_proj_; }
  Parameter& short_weight() { return short_weight_; }  // [3D, K]
  Parameter& short_bias() { return short_bias_; }      // [3D]
  HyenaFilter& filter() { return filter_; }

 protected:
  // Expects [B, L, D] with 1 <= L <= max_length.
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  HyenaConfig config_;
  Linear in_proj_;
  Parameter short_weight_;
  Parameter short_bias_;
  HyenaFilter filter_;
  Linear out_proj_;
};

}  // namespace core
