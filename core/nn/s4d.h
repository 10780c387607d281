#pragma once
// S4D: the diagonal state-space sequence mixer of Gu et al. 2022 ("On the
// Parameterization and Initialization of Diagonal State Space Models"),
// [B, L, H] -> [B, L, H]. Each channel runs N/2 complex modes whose
// zero-order-hold impulse response is the convolution kernel
// (core/nn/s4d_kernel.h), built for the input's length on every forward
// pass; the sequence is then mixed as y = K * u + D u through the same
// long-convolution path as LongConv (core/nn/conv_mixing.h).

#include <cstdint>
#include <string>
#include <vector>

#include "core/nn/module.h"

namespace core {

// How A's imaginary parts start (the real parts start at -1/2 for both).
enum class S4DInit {
  kLin,  // S4D-Lin: A_imag[n] = pi n
  kInv,  // S4D-Inv: A_imag[n] = N / pi (N / (2n + 1) - 1)
};

// A_imag for modes n = 0 .. N/2 - 1 of state size N.
std::vector<double> s4d_imag_init(S4DInit init, int64_t state_size);

struct S4DConfig {
  int64_t channels = 0;     // H
  int64_t state_size = 64;  // N, even: N/2 complex modes per channel
  S4DInit init = S4DInit::kLin;
  double dt_min = 0.001;  // log_dt starts uniform in [log dt_min, log dt_max]
  double dt_max = 0.1;
  // log_dt, log_A_real and A_imag: the reference trains them at learning
  // rate min(1e-3, base) with a base of 1e-2, without weight decay.
  float ssm_lr_scale = 0.1f;
};

class S4D final : public Module {
 public:
  // Draws from Philox streams of `seed`: log_dt (0), C (1: real and imaginary
  // parts N(0, 1/2), a standard complex normal), D (2: N(0, 1)). Parameters
  // are "<name>.log_dt" [H], "<name>.log_A_real" [H, N/2], "<name>.A_imag"
  // [H, N/2], "<name>.C" [H, N/2, 2] and "<name>.D" [H], in that order.
  S4D(std::string name, const S4DConfig& config, uint64_t seed);

  const S4DConfig& config() const { return config_; }
  int64_t modes() const { return config_.state_size / 2; }
  Parameter& log_dt() { return log_dt_; }
  Parameter& log_a_real() { return log_a_real_; }
  Parameter& a_imag() { return a_imag_; }
  Parameter& c() { return c_; }
  Parameter& skip() { return skip_; }

  // K [H, length] from the current parameters.
  Tensor kernel(int64_t length) const;

 protected:
  void check_input(const Tensor& x) const override;  // [B, L, H], L >= 1
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  // dK from the convolution's backward, then through the kernel's analytic
  // gradient (core/nn/s4d_kernel.h) into log_dt, log_A_real, A_imag and C.
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Epsilon rule of the linear map u -> K * u + D u for the kernel forward
  // built (core/nn/conv_mixing.h).
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  S4DConfig config_;
  Parameter log_dt_;
  Parameter log_a_real_;
  Parameter a_imag_;
  Parameter c_;
  Parameter skip_;
};

}  // namespace core
