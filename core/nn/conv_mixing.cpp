#include "core/nn/conv_mixing.h"

#include <stdexcept>

#include "core/nn/lrp_rules.h"
#include "kernels/cpu/long_conv.h"

namespace core {
namespace {

kernels::cpu::LongConvShape shape_of(const Tensor& u, const Tensor& k, bool bidirectional) {
  kernels::cpu::LongConvShape s;
  s.batch = u.size(0);
  s.length = u.size(1);
  s.channels = u.size(2);
  s.kernel_length = k.size(k.rank() - 1);
  s.bidirectional = bidirectional;
  if (k.numel() != s.kernel_size()) {
    throw std::invalid_argument("conv_mix: kernel " + k.shape().to_string() +
                                " does not match input " + u.shape().to_string());
  }
  return s;
}

const float* data_or_null(const Tensor& t) {
  return t.empty() ? nullptr : t.data();
}

}  // namespace

void require_sequence(const Tensor& x, int64_t channels, const std::string& who) {
  if (x.rank() != 3 || x.size(2) != channels || x.size(1) < 1) {
    throw std::invalid_argument(who + ": expected [B, L, " + std::to_string(channels) + "], got " +
                                x.shape().to_string());
  }
}

Tensor conv_mix_forward(const Tensor& u, const Tensor& k, const Tensor& d, bool bidirectional) {
  const auto s = shape_of(u, k, bidirectional);
  Tensor y = Tensor::uninitialized(u.shape());  // [B, L, H]
  kernels::cpu::long_conv_forward(s, u.data(), k.data(), data_or_null(d), y.data());
  return y;
}

ConvMixGrads conv_mix_backward(const Tensor& u, const Tensor& k, const Tensor& d, const Tensor& dy,
                               bool bidirectional) {
  const auto s = shape_of(u, k, bidirectional);
  ConvMixGrads g{Tensor::uninitialized(u.shape()), Tensor::uninitialized(k.shape()),
                 d.empty() ? Tensor() : Tensor::uninitialized(d.shape())};
  kernels::cpu::long_conv_backward(s, u.data(), k.data(), data_or_null(d), dy.data(), g.du.data(),
                                   g.dk.data(), d.empty() ? nullptr : g.dd.data());
  return g;
}

Tensor conv_mix_relevance(const Tensor& u, const Tensor& k, const Tensor& d,
                          const Tensor& relevance_y, bool bidirectional, const LrpRule& rule) {
  const auto s = shape_of(u, k, bidirectional);
  const Tensor z = conv_mix_forward(u, k, d, bidirectional);  // [B, L, H]
  const int64_t n = u.numel();
  Tensor ratio(u.shape());  // s = R / (z + eps sign z), [B, L, H]
  const float* zv = z.data();
  const float* rv = relevance_y.data();
  float* sv = ratio.data();
  for (int64_t i = 0; i < n; ++i) {
    const double den = lrp_stabilise(zv[i], rule.epsilon);
    sv[i] = den == 0.0 ? 0.0f : static_cast<float>(rv[i] / den);
  }
  Tensor relevance_u(u.shape());  // [B, L, H]
  kernels::cpu::long_conv_backward(s, u.data(), k.data(), data_or_null(d), ratio.data(),
                                   relevance_u.data(), nullptr, nullptr);
  const float* uv = u.data();
  float* out = relevance_u.data();
  for (int64_t i = 0; i < n; ++i)
    out[i] *= uv[i];
  return relevance_u;
}

}  // namespace core
