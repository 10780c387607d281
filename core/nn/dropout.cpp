#include "core/nn/dropout.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/random/philox.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/thread_pool.h"

namespace core {
namespace {

// One Philox block: the random words for elements 4 * block .. 4 * block + 3.
// Counter = (block, step), key = seed with the stream mixed in by a
// golden-ratio multiple (as splitmix64 steps its state).
std::array<uint32_t, 4> dropout_block(uint64_t seed, uint64_t step, uint64_t stream,
                                      uint64_t block) {
  const uint64_t key = seed + stream * 0x9E3779B97F4A7C15ull;
  return philox4x32({static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
                     static_cast<uint32_t>(step), static_cast<uint32_t>(step >> 32)},
                    {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)});
}

// Keep when the 24-bit uniform in [0, 1) is >= p: probability 1 - p up to
// the 2^-24 resolution.
float factor_of(uint32_t word, float p, float keep_scale) {
  const double u = (word >> 8) * (1.0 / 16777216.0);
  return u >= static_cast<double>(p) ? keep_scale : 0.0f;
}

float keep_scale_of(float p) {
  return static_cast<float>(1.0 / (1.0 - static_cast<double>(p)));
}

}  // namespace

float dropout_factor(uint64_t seed, uint64_t step, uint64_t stream, uint64_t index, float p) {
  const auto words = dropout_block(seed, step, stream, index / 4);
  return factor_of(words[index % 4], p, keep_scale_of(p));
}

void dropout_factors(uint64_t seed, uint64_t step, uint64_t stream, float p, float* factors,
                     int64_t n) {
  const float keep_scale = keep_scale_of(p);
  // Each factor depends on its index alone (counter-based), so the ranges,
  // which start at multiples of 4, can be filled on any thread.
  kernels::cpu::parallel_ranges(n, kernels::cpu::kElementsPerTask, [=](int64_t begin, int64_t end) {
    for (int64_t start = begin; start < end; start += 4) {
      const auto words = dropout_block(seed, step, stream, static_cast<uint64_t>(start) / 4);
      const int64_t count = std::min<int64_t>(4, end - start);
      for (int64_t k = 0; k < count; ++k)
        factors[start + k] = factor_of(words[static_cast<size_t>(k)], p, keep_scale);
    }
  });
}

Dropout::Dropout(std::string name, float p, uint64_t stream)
    : Module(std::move(name)), p_(p), stream_(stream) {
  if (!(p_ >= 0.0f && p_ < 1.0f)) {
    throw std::invalid_argument(this->name() + ": p must be in [0, 1), got " + std::to_string(p_));
  }
}

void Dropout::check_input(const Tensor& x) const {
  require_any_tensor(x, name());
}

Tensor Dropout::forward_impl(const Tensor& x, Context& ctx) {
  if (!active(ctx)) return x.clone();
  Tensor mask = Tensor::uninitialized(x.shape());  // same shape as x: 0 or 1 / (1 - p)
  dropout_factors(ctx.mode.seed, ctx.mode.step, stream_, p_, mask.data(), mask.numel());
  Tensor y = Tensor::uninitialized(x.shape());
  kernels::cpu::mul(x.data(), mask.data(), y.data(), x.numel());
  ctx.saved = {mask};
  return y;
}

Tensor Dropout::backward_impl(const Tensor& grad_y, const Context& ctx) {
  if (!active(ctx)) return grad_y.clone();
  const Tensor& mask = ctx.saved[0];
  Tensor grad_x = Tensor::uninitialized(grad_y.shape());
  kernels::cpu::mul(grad_y.data(), mask.data(), grad_x.data(), grad_y.numel());
  return grad_x;
}

Tensor Dropout::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  (void)ctx;
  (void)rule;
  return relevance_y.clone();
}

}  // namespace core
