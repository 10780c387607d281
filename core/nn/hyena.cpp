#include "core/nn/hyena.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/nn/causal_depthwise_conv.h"
#include "core/nn/lrp_rules.h"
#include "core/nn/seeds.h"
#include "core/random/philox.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/long_conv.h"

namespace core {
namespace {

const HyenaConfig& checked(const std::string& who, const HyenaConfig& c) {
  const auto fail = [&](const char* field, int64_t got) {
    throw std::invalid_argument(who + ": " + field + ": expected >= 1, got " + std::to_string(got));
  };
  if (c.dim < 1) fail("dim", c.dim);
  if (c.max_length < 1) fail("max_length", c.max_length);
  if (c.short_filter_taps < 1) fail("short_filter_taps", c.short_filter_taps);
  return c;
}

HyenaFilterConfig filter_config(const HyenaConfig& c) {
  HyenaFilterConfig f;
  f.channels = c.dim;
  f.max_length = c.max_length;
  f.emb_dim = c.filter_emb_dim;
  f.width = c.filter_width;
  f.inner_layers = c.filter_inner_layers;
  f.sine_freq = c.filter_sine_freq;
  return f;
}

Tensor uniform(Shape shape, double bound, uint64_t seed, uint64_t stream) {
  Tensor t(shape);
  RandomStream rng(seed, stream);
  for (float& v : t.values())
    v = static_cast<float>(bound * (2.0 * rng.uniform() - 1.0));
  return t;
}

// Channels [part * D, (part + 1) * D) of uc [rows, 3D] -> [B, L, D].
Tensor slice(const Tensor& uc, int64_t part, int64_t d) {
  Tensor out({uc.size(0), uc.size(1), d});
  const int64_t rows = uc.size(0) * uc.size(1);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(uc.data() + r * 3 * d + part * d, d, out.data() + r * d);
  return out;
}

// The inverse of slice: writes part [B, L, D] into its channels of whole.
void unslice(const Tensor& part_values, int64_t part, int64_t d, Tensor& whole) {
  const int64_t rows = part_values.numel() / d;
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(part_values.data() + r * d, d, whole.data() + r * 3 * d + part * d);
}

// a * b elementwise, for same-shaped tensors.
Tensor product(const Tensor& a, const Tensor& b) {
  Tensor out(a.shape());
  kernels::cpu::mul(a.data(), b.data(), out.data(), a.numel());
  return out;
}

// Relevance of the two factors of y = a * b, from relevance of y: half and
// half, or all to `signal` (b) with the gate a held constant.
void split_gate(const Tensor& relevance_y, bool half_half, Tensor& relevance_gate,
                Tensor& relevance_signal) {
  relevance_gate = Tensor(relevance_y.shape());
  relevance_signal = Tensor(relevance_y.shape());
  if (half_half) {
    kernels::cpu::scale(relevance_y.data(), 0.5f, relevance_gate.data(), relevance_y.numel());
    kernels::cpu::scale(relevance_y.data(), 0.5f, relevance_signal.data(), relevance_y.numel());
  } else {
    std::copy_n(relevance_y.data(), relevance_y.numel(), relevance_signal.data());
  }
}

// Epsilon-rule relevance of p [B, L, D] through c = k * p + skip * p, the
// convolution seen as a linear map of p per channel with weights k[h, t - s]
// (+ skip[h] on the diagonal): R_p[s] = p[s] sum_{t >= s} W_ts R_c[t] /
// stab(c[t]). In double, with c re-summed from the same contributions rather
// than taken from the FFT: an output near zero makes large shares of both
// signs, which cancel only against their own exact sum.
Tensor long_conv_relevance(const Tensor& p, const Tensor& kernel, const Tensor& skip,
                           const Tensor& relevance_c, double epsilon) {
  const int64_t B = p.size(0), L = p.size(1), D = p.size(2);
  const float* k = kernel.data();  // [D, L]
  Tensor relevance_p(p.shape());
  std::vector<double> z(static_cast<size_t>(L * D));
  std::vector<double> acc(static_cast<size_t>(D));
  for (int64_t b = 0; b < B; ++b) {
    const float* pb = p.data() + b * L * D;
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t h = 0; h < D; ++h)
        acc[static_cast<size_t>(h)] = static_cast<double>(skip.data()[h]) * pb[t * D + h];
      for (int64_t s = 0; s <= t; ++s) {
        for (int64_t h = 0; h < D; ++h)
          acc[static_cast<size_t>(h)] += static_cast<double>(k[h * L + (t - s)]) * pb[s * D + h];
      }
      for (int64_t h = 0; h < D; ++h) {
        const double den = lrp_stabilise(acc[static_cast<size_t>(h)], epsilon);
        z[static_cast<size_t>(t * D + h)] =
            den == 0.0 ? 0.0 : relevance_c.data()[b * L * D + t * D + h] / den;
      }
    }
    for (int64_t s = 0; s < L; ++s) {
      for (int64_t h = 0; h < D; ++h)
        acc[static_cast<size_t>(h)] = skip.data()[h] * z[static_cast<size_t>(s * D + h)];
      for (int64_t t = s; t < L; ++t) {
        const double* zt = z.data() + t * D;
        for (int64_t h = 0; h < D; ++h)
          acc[static_cast<size_t>(h)] += k[h * L + (t - s)] * zt[h];
      }
      for (int64_t h = 0; h < D; ++h) {
        relevance_p.data()[b * L * D + s * D + h] =
            static_cast<float>(pb[s * D + h] * acc[static_cast<size_t>(h)]);
      }
    }
  }
  return relevance_p;
}

}  // namespace

Hyena::Hyena(std::string name, const HyenaConfig& config, uint64_t seed)
    : Module(std::move(name)),
      config_(checked(this->name(), config)),
      in_proj_(this->name() + ".in_proj", config.dim, 3 * config.dim, submodule_seed(seed, 0)),
      filter_(this->name() + ".filter_fn", filter_config(config), submodule_seed(seed, 2)),
      out_proj_(this->name() + ".out_proj", config.dim, config.dim, submodule_seed(seed, 3)) {
  const int64_t width = 3 * config_.dim, taps = config_.short_filter_taps;
  // PyTorch's Conv1d default: fan_in = in_channels / groups * K = K.
  const double bound = 1.0 / std::sqrt(static_cast<double>(taps));
  const uint64_t short_seed = submodule_seed(seed, 1);
  short_weight_ = Parameter{.name = this->name() + ".short_filter.weight",
                            .value = uniform({width, taps}, bound, short_seed, 0),
                            .grad = {}};
  short_bias_ = Parameter{.name = this->name() + ".short_filter.bias",
                          .value = uniform({width}, bound, short_seed, 1),
                          .grad = {},
                          .weight_decay = false};
}

void Hyena::check_input(const Tensor& x) const {
  if (x.rank() != 3 || x.size(2) != config_.dim || x.size(1) < 1 ||
      x.size(1) > config_.max_length) {
    throw std::invalid_argument(name() +
                                ": expected [B, L <= " + std::to_string(config_.max_length) + ", " +
                                std::to_string(config_.dim) + "], got " + x.shape().to_string());
  }
}

// ctx.children: in_proj, filter, out_proj.
// ctx.saved: u, uc, p, kernel, c (see the header for the names).
Tensor Hyena::forward_impl(const Tensor& x, Context& ctx) {
  const int64_t B = x.size(0), L = x.size(1), D = config_.dim;
  ctx.children.resize(3);
  const Tensor u = in_proj_.forward(x, ctx.children[0], ctx.mode);  // [B, L, 3D]
  Tensor uc(u.shape());                                             // [B, L, 3D]
  causal_depthwise_conv_forward({B, L, 3 * D, config_.short_filter_taps}, u.data(),
                                short_weight_.value.data(), short_bias_.value.data(), uc.data());
  const Tensor x0 = slice(uc, 0, D), x1 = slice(uc, 1, D), v = slice(uc, 2, D);  // [B, L, D]
  const Tensor p = product(v, x1);                                               // [B, L, D]

  const Tensor kernel = filter_.generate(L, ctx.children[1]);  // [D, L]
  Tensor c(p.shape());                                         // [B, L, D]
  const kernels::cpu::LongConvShape shape{
      .batch = B, .length = L, .channels = D, .kernel_length = L};
  kernels::cpu::long_conv_forward(shape, p.data(), kernel.data(), filter_.bias().value.data(),
                                  c.data());
  const Tensor g = product(c, x0);                             // [B, L, D]
  Tensor y = out_proj_.forward(g, ctx.children[2], ctx.mode);  // [B, L, D]
  ctx.saved = {u, uc, p, kernel, c};
  return y;
}

Tensor Hyena::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& u = ctx.saved[0];
  const Tensor& uc = ctx.saved[1];
  const Tensor& p = ctx.saved[2];
  const Tensor& kernel = ctx.saved[3];
  const Tensor& c = ctx.saved[4];
  const int64_t B = u.size(0), L = u.size(1), D = config_.dim;
  const Tensor x0 = slice(uc, 0, D), x1 = slice(uc, 1, D), v = slice(uc, 2, D);

  const Tensor grad_g = out_proj_.backward(grad_y, ctx.children[2]);  // [B, L, D]
  const Tensor grad_c = product(grad_g, x0);
  const Tensor grad_x0 = product(grad_g, c);

  Tensor grad_p(p.shape());            // [B, L, D]
  Tensor grad_kernel(kernel.shape());  // [D, L]
  Tensor grad_skip({D});
  const kernels::cpu::LongConvShape shape{
      .batch = B, .length = L, .channels = D, .kernel_length = L};
  kernels::cpu::long_conv_backward(shape, p.data(), kernel.data(), filter_.bias().value.data(),
                                   grad_c.data(), grad_p.data(), grad_kernel.data(),
                                   grad_skip.data());
  kernels::cpu::axpy(1.0f, grad_skip.data(), grad_buffer(filter_.bias()).data(), D);
  filter_.backward(grad_kernel, ctx.children[1]);

  Tensor grad_uc(uc.shape());  // [B, L, 3D]
  unslice(grad_x0, 0, D, grad_uc);
  unslice(product(grad_p, v), 1, D, grad_uc);
  unslice(product(grad_p, x1), 2, D, grad_uc);

  Tensor grad_u(u.shape());  // [B, L, 3D]
  causal_depthwise_conv_backward({B, L, 3 * D, config_.short_filter_taps}, u.data(),
                                 short_weight_.value.data(), grad_uc.data(), grad_u.data(),
                                 grad_buffer(short_weight_).data(),
                                 grad_buffer(short_bias_).data());
  return in_proj_.backward(grad_u, ctx.children[0]);
}

Tensor Hyena::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& u = ctx.saved[0];
  const Tensor& uc = ctx.saved[1];
  const Tensor& p = ctx.saved[2];
  const Tensor& kernel = ctx.saved[3];
  const int64_t B = u.size(0), L = u.size(1), D = config_.dim;

  const Tensor relevance_g = out_proj_.relevance(relevance_y, ctx.children[2], rule);
  Tensor relevance_x0, relevance_c;  // g = x0 * c: x0 gates the convolved signal
  split_gate(relevance_g, rule.gate_half_half, relevance_x0, relevance_c);
  const Tensor relevance_p =
      long_conv_relevance(p, kernel, filter_.bias().value, relevance_c, rule.epsilon);
  Tensor relevance_x1, relevance_v;  // p = x1 * v: x1 gates the value
  split_gate(relevance_p, rule.gate_half_half, relevance_x1, relevance_v);

  Tensor relevance_uc(uc.shape());  // [B, L, 3D]
  unslice(relevance_x0, 0, D, relevance_uc);
  unslice(relevance_x1, 1, D, relevance_uc);
  unslice(relevance_v, 2, D, relevance_uc);
  Tensor relevance_u(u.shape());  // [B, L, 3D]
  causal_depthwise_conv_relevance({B, L, 3 * D, config_.short_filter_taps}, u.data(),
                                  short_weight_.value.data(), short_bias_.value.data(),
                                  relevance_uc.data(), rule.epsilon, relevance_u.data());
  return in_proj_.relevance(relevance_u, ctx.children[0], rule);
}

void Hyena::collect_parameters(std::vector<Parameter*>& out) {
  for (Parameter* p : in_proj_.parameters())
    out.push_back(p);
  out.push_back(&short_weight_);
  out.push_back(&short_bias_);
  filter_.collect_parameters(out);
  for (Parameter* p : out_proj_.parameters())
    out.push_back(p);
}

}  // namespace core
