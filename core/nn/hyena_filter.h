#pragma once
// HyenaFilter: the implicit long filter of the Hyena operator (Poli et al.
// 2023, safari's HyenaFilter). One causal kernel per channel, generated from
// the time index rather than stored tap by tap:
//
//   z(t)    = [t_n, cos(f_k w_t), -sin(f_k w_t)]      positional features,
//             t_n = t / (max_length - 1), w_t = 2 pi t / max_length,
//             f_k = linspace(1e-4, bands - 1, bands), bands = (emb_dim - 1) / 2
//             (the real and imaginary parts of exp(-i f w), as safari)
//   a(t)    = Linear(emb_dim -> width), Sin, [Linear(width -> width), Sin] x inner,
//             Linear(width -> channels, no bias)
//   Sin(a)  = sin(freq * a), freq [width] learnable and shared by every Sin
//             (safari builds one Sin module and reuses it)
//   h[c, t] = a(t)[c] * (exp(-t_n |delta_c|) + shift)  exponential modulation,
//             delta = linspace(ln(target) / slow_decay_pct,
//                               ln(target) / fast_decay_pct, channels)
//
// The features and the decay rates are fixed (safari trains z at a learning
// rate of 1e-5 and keeps the decays fixed; here both stay fixed). The filter
// also owns the skip weight ("bias" in safari) that the long convolution adds
// as D[c] u[t, c].
//
// The kernel depends on no input, so it is generated once per forward pass
// and carries no relevance: an explanation treats it as a fixed weight.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/nn/linear.h"
#include "core/nn/module.h"

namespace core {

struct HyenaFilterConfig {
  int64_t channels = 0;    // kernels generated, one per channel
  int64_t max_length = 0;  // longest kernel; the time grid is normalised to it
  // Positional features: odd, >= 3. safari defaults to 3, whose one band has
  // frequency 1e-4 (features nearly constant but for t_n); 5 adds a band at
  // frequency 1.
  int64_t emb_dim = 5;
  int64_t width = 64;  // the MLP's hidden width (safari's filter "order")
  int64_t inner_layers = 2;
  float sine_freq = 1.0f;  // initial Sin frequency (safari's w)
  double fast_decay_pct = 0.3;
  double slow_decay_pct = 1.5;
  double target = 1e-2;
  double shift = 0.0;
};

class HyenaFilter {
 public:
  // Throws std::invalid_argument on a config out of range. The MLP's Linear
  // layers start as Linear does; the skip weight is standard normal (as
  // safari's torch.randn), drawn from Philox stream 0 of a seed derived from
  // `seed`. Parameters are named "<name>.implicit_filter.<i>.weight/bias"
  // with safari's layer indices (0, 2, 4, ...; Sin layers at the odd
  // indices), "<name>.implicit_filter.1.freq" and "<name>.bias".
  HyenaFilter(std::string name, const HyenaFilterConfig& config, uint64_t seed);
  HyenaFilter(const HyenaFilter&) = delete;
  HyenaFilter& operator=(const HyenaFilter&) = delete;

  const HyenaFilterConfig& config() const { return config_; }
  // [max_length, emb_dim]
  const Tensor& features() const { return features_; }
  // [channels]: the decay rates delta_c.
  const Tensor& decays() const { return decays_; }
  Parameter& freq() { return freq_; }  // [width]
  Parameter& bias() { return bias_; }  // [channels]: the skip weight D
  Linear& layer(size_t index) { return *layers_.at(index); }
  size_t layer_count() const { return layers_.size(); }

  // The kernel [channels, length] for lags 0 .. length - 1 (the first
  // `length` rows of the time grid). Fills `ctx` for backward. Throws
  // std::invalid_argument unless 1 <= length <= max_length.
  Tensor generate(int64_t length, Context& ctx);
  // Adds d loss / d theta into the MLP's and the frequencies' gradients from
  // the kernel's gradient [channels, length]. The skip weight's gradient is
  // the caller's to accumulate (it comes from the convolution).
  void backward(const Tensor& grad_kernel, const Context& ctx);

  // The MLP layers' parameters in layer order, then freq, then bias.
  void collect_parameters(std::vector<Parameter*>& out);

 private:
  std::string name_;
  HyenaFilterConfig config_;
  Tensor features_;  // [max_length, emb_dim]
  Tensor decays_;    // [channels]
  std::vector<std::unique_ptr<Linear>> layers_;
  Parameter freq_;
  Parameter bias_;
};

}  // namespace core
