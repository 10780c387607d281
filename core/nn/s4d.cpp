#include "core/nn/s4d.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "core/nn/conv_mixing.h"
#include "core/nn/lrp_rules.h"
#include "core/nn/s4d_kernel.h"
#include "core/random/philox.h"
#include "kernels/cpu/elementwise.h"

namespace core {

std::vector<double> s4d_imag_init(S4DInit init, int64_t state_size) {
  const int64_t modes = state_size / 2;
  const double n_state = static_cast<double>(state_size);
  std::vector<double> out(static_cast<size_t>(modes));
  for (int64_t n = 0; n < modes; ++n) {
    const double nd = static_cast<double>(n);
    out[static_cast<size_t>(n)] =
        init == S4DInit::kLin ? std::numbers::pi * nd
                              : n_state / std::numbers::pi * (n_state / (2.0 * nd + 1.0) - 1.0);
  }
  return out;
}

S4D::S4D(std::string name, const S4DConfig& config, uint64_t seed)
    : Module(std::move(name)), config_(config) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(this->name() + ": " + what);
  };
  if (config_.channels < 1) fail("channels must be >= 1, got " + std::to_string(config_.channels));
  if (config_.state_size < 2 || config_.state_size % 2 != 0) {
    fail("state_size must be even and >= 2, got " + std::to_string(config_.state_size));
  }
  if (!(config_.dt_min > 0.0 && config_.dt_min <= config_.dt_max)) {
    fail("needs 0 < dt_min <= dt_max, got " + std::to_string(config_.dt_min) + ", " +
         std::to_string(config_.dt_max));
  }
  const int64_t h = config_.channels;
  const int64_t m = modes();

  Tensor log_dt({h});  // [H]
  RandomStream dt_rng(seed, 0);
  const double lo = std::log(config_.dt_min), hi = std::log(config_.dt_max);
  for (float& v : log_dt.values())
    v = static_cast<float>(lo + (hi - lo) * dt_rng.uniform());

  Tensor a_imag({h, m});  // [H, M]
  const std::vector<double> imag = s4d_imag_init(config_.init, config_.state_size);
  for (int64_t i = 0; i < h; ++i)
    for (int64_t n = 0; n < m; ++n)
      a_imag.data()[i * m + n] = static_cast<float>(imag[static_cast<size_t>(n)]);

  Tensor c({h, m, 2});  // [H, M, (re, im)]
  RandomStream c_rng(seed, 1);
  for (float& v : c.values())
    v = static_cast<float>(c_rng.normal(0.0, std::numbers::sqrt2 / 2.0));

  Tensor d({h});  // [H]
  RandomStream d_rng(seed, 2);
  for (float& v : d.values())
    v = static_cast<float>(d_rng.normal());

  const float ssm_lr = config_.ssm_lr_scale;
  log_dt_ = Parameter{.name = this->name() + ".log_dt",
                      .value = log_dt,
                      .grad = {},
                      .weight_decay = false,
                      .lr_scale = ssm_lr};
  log_a_real_ = Parameter{.name = this->name() + ".log_A_real",
                          .value = Tensor::full({h, m}, static_cast<float>(std::log(0.5))),
                          .grad = {},
                          .weight_decay = false,
                          .lr_scale = ssm_lr};
  a_imag_ = Parameter{.name = this->name() + ".A_imag",
                      .value = a_imag,
                      .grad = {},
                      .weight_decay = false,
                      .lr_scale = ssm_lr};
  c_ = Parameter{.name = this->name() + ".C", .value = c, .grad = {}};
  skip_ = Parameter{.name = this->name() + ".D", .value = d, .grad = {}};
}

void S4D::check_input(const Tensor& x) const {
  require_sequence(x, config_.channels, name());
}

Tensor S4D::kernel(int64_t length) const {
  Tensor k({config_.channels, length});  // [H, L]
  s4d_kernel({config_.channels, modes(), length}, log_dt_.value.data(), log_a_real_.value.data(),
             a_imag_.value.data(), c_.value.data(), k.data());
  return k;
}

Tensor S4D::forward_impl(const Tensor& x, Context& ctx) {
  Tensor k = kernel(x.size(1));                                             // [H, L]
  Tensor y = conv_mix_forward(x, k, skip_.value, /*bidirectional=*/false);  // [B, L, H]
  ctx.saved = {x, k};
  return y;
}

Tensor S4D::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];  // [B, L, H]
  const Tensor& k = ctx.saved[1];  // [H, L]
  ConvMixGrads g = conv_mix_backward(x, k, skip_.value, grad_y, /*bidirectional=*/false);
  kernels::cpu::axpy(1.0f, g.dd.data(), grad_buffer(skip_).data(), config_.channels);
  s4d_kernel_backward({config_.channels, modes(), x.size(1)}, log_dt_.value.data(),
                      log_a_real_.value.data(), a_imag_.value.data(), c_.value.data(), g.dk.data(),
                      grad_buffer(log_dt_).data(), grad_buffer(log_a_real_).data(),
                      grad_buffer(a_imag_).data(), grad_buffer(c_).data());
  return g.du;
}

Tensor S4D::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  check_lrp_rule(rule, name());
  return conv_mix_relevance(ctx.saved[0], ctx.saved[1], skip_.value, relevance_y,
                            /*bidirectional=*/false, rule);
}

void S4D::collect_parameters(std::vector<Parameter*>& out) {
  out.push_back(&log_dt_);
  out.push_back(&log_a_real_);
  out.push_back(&a_imag_);
  out.push_back(&c_);
  out.push_back(&skip_);
}

}  // namespace core
