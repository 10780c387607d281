#include "core/nn/long_conv.h"

#include <algorithm>
#include <stdexcept>

#include "core/nn/conv_mixing.h"
#include "core/nn/dropout.h"
#include "core/nn/kernel_regularisation.h"
#include "core/nn/lrp_rules.h"
#include "core/random/philox.h"
#include "kernels/cpu/elementwise.h"

namespace core {
namespace {

Tensor normal_init(Shape shape, double sd, uint64_t seed, uint64_t stream) {
  Tensor t(shape);
  RandomStream rng(seed, stream);
  for (float& v : t.values())
    v = static_cast<float>(sd * rng.normal());
  return t;
}

// The first `taps` of each row of a [rows, n] tensor, as [.., taps].
Tensor leading_taps(const Tensor& k, int64_t rows, int64_t n, int64_t taps, Shape shape) {
  if (taps == n) return k;
  Tensor out(shape);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(k.data() + r * n, taps, out.data() + r * taps);
  return out;
}

}  // namespace

LongConv::LongConv(std::string name, const LongConvConfig& config, uint64_t seed)
    : Module(std::move(name)), config_(config) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(this->name() + ": " + what);
  };
  if (config_.channels < 1) fail("channels must be >= 1, got " + std::to_string(config_.channels));
  if (config_.length < 1) fail("length must be >= 1, got " + std::to_string(config_.length));
  if (config_.smooth && (config_.smooth_window < 1 || config_.smooth_window % 2 == 0)) {
    fail("smooth_window must be odd and >= 1, got " + std::to_string(config_.smooth_window));
  }
  if (!(config_.squash_lambda >= 0.0f)) {
    fail("squash_lambda must be >= 0, got " + std::to_string(config_.squash_lambda));
  }
  if (!(config_.init_scale > 0.0f)) {
    fail("init_scale must be > 0, got " + std::to_string(config_.init_scale));
  }
  if (!(config_.kernel_dropout >= 0.0f && config_.kernel_dropout < 1.0f)) {
    fail("kernel_dropout must be in [0, 1), got " + std::to_string(config_.kernel_dropout));
  }
  const Shape kshape = config_.bidirectional ? Shape{config_.channels, 2, config_.length}
                                             : Shape{config_.channels, config_.length};
  kernel_ = Parameter{.name = this->name() + ".kernel",
                      .value = normal_init(kshape, config_.init_scale, seed, 0),
                      .grad = {},
                      .weight_decay = false,
                      .lr_scale = config_.kernel_lr_scale};
  skip_ = Parameter{.name = this->name() + ".D",
                    .value = normal_init({config_.channels}, 1.0, seed, 1),
                    .grad = {}};
}

void LongConv::check_input(const Tensor& x) const {
  require_sequence(x, config_.channels, name());
}

RegularisedKernel LongConv::regularised_kernel(const ForwardMode& mode) const {
  const Tensor& k = kernel_.value;  // [H, (2,) length]
  const int64_t rows = config_.channels * directions();
  RegularisedKernel r;
  if (config_.smooth) {
    r.pre_squash = Tensor(k.shape());
    smooth_kernel(k.data(), rows, config_.length, config_.smooth_window, r.pre_squash.data());
  } else {
    r.pre_squash = k.clone();
  }
  r.kernel = Tensor(k.shape());
  squash_kernel(r.pre_squash.data(), k.numel(), config_.squash_lambda, r.kernel.data());
  if (mode.training && config_.kernel_dropout > 0.0f) {
    r.mask = Tensor(k.shape());
    dropout_factors(mode.seed, mode.step, config_.dropout_stream, config_.kernel_dropout,
                    r.mask.data(), r.mask.numel());
    kernels::cpu::mul(r.kernel.data(), r.mask.data(), r.kernel.data(), k.numel());
  }
  return r;
}

Tensor LongConv::forward_impl(const Tensor& x, Context& ctx) {
  RegularisedKernel r = regularised_kernel(ctx.mode);
  const int64_t taps = std::min(config_.length, x.size(1));
  const Shape used =
      config_.bidirectional ? Shape{config_.channels, 2, taps} : Shape{config_.channels, taps};
  const Tensor k = leading_taps(r.kernel, config_.channels * directions(), config_.length, taps,
                                used);                                    // [H, (2,) taps]
  Tensor y = conv_mix_forward(x, k, skip_.value, config_.bidirectional);  // [B, L, H]
  ctx.saved = {x, k, r.pre_squash, r.mask};
  return y;
}

Tensor LongConv::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];           // [B, L, H]
  const Tensor& k = ctx.saved[1];           // [H, (2,) taps]
  const Tensor& pre_squash = ctx.saved[2];  // [H, (2,) length]
  const Tensor& mask = ctx.saved[3];        // [H, (2,) length] or empty
  ConvMixGrads g = conv_mix_backward(x, k, skip_.value, grad_y, config_.bidirectional);
  kernels::cpu::axpy(1.0f, g.dd.data(), grad_buffer(skip_).data(), config_.channels);

  // Back along the regularisation, on the full-length kernel: taps beyond the
  // sequence get zero gradient before the moving average spreads it.
  const int64_t rows = config_.channels * directions();
  const int64_t n = config_.length;
  const int64_t taps = k.size(k.rank() - 1);
  Tensor dk(kernel_.value.shape());  // [H, (2,) length]
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(g.dk.data() + r * taps, taps, dk.data() + r * n);
  if (!mask.empty()) kernels::cpu::mul(dk.data(), mask.data(), dk.data(), dk.numel());
  squash_kernel_backward(pre_squash.data(), dk.data(), dk.numel(), config_.squash_lambda,
                         dk.data());
  if (config_.smooth) {
    Tensor spread(dk.shape());
    smooth_kernel(dk.data(), rows, n, config_.smooth_window, spread.data());
    dk = spread;
  }
  kernels::cpu::axpy(1.0f, dk.data(), grad_buffer(kernel_).data(), dk.numel());
  return g.du;
}

Tensor LongConv::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                const LrpRule& rule) {
  check_lrp_rule(rule, name());
  return conv_mix_relevance(ctx.saved[0], ctx.saved[1], skip_.value, relevance_y,
                            config_.bidirectional, rule);
}

void LongConv::collect_parameters(std::vector<Parameter*>& out) {
  out.push_back(&kernel_);
  out.push_back(&skip_);
}

}  // namespace core
