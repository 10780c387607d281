#include "core/nn/activations.h"

#include "kernels/cpu/elementwise.h"

namespace core {

void Gelu::check_input(const Tensor& x) const {
  require_any_tensor(x, name());
}

Tensor Gelu::forward_impl(const Tensor& x, Context& ctx) {
  Tensor y = Tensor::uninitialized(x.shape());
  kernels::cpu::gelu_forward(x.data(), y.data(), x.numel());
  ctx.saved = {x};
  return y;
}

Tensor Gelu::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];
  Tensor grad_x = Tensor::uninitialized(x.shape());
  kernels::cpu::gelu_backward(x.data(), grad_y.data(), grad_x.data(), x.numel());
  return grad_x;
}

Tensor Gelu::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  (void)ctx;
  (void)rule;
  return relevance_y.clone();
}

void Silu::check_input(const Tensor& x) const {
  require_any_tensor(x, name());
}

Tensor Silu::forward_impl(const Tensor& x, Context& ctx) {
  Tensor y = Tensor::uninitialized(x.shape());
  kernels::cpu::silu_forward(x.data(), y.data(), x.numel());
  ctx.saved = {x};
  return y;
}

Tensor Silu::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];
  Tensor grad_x = Tensor::uninitialized(x.shape());
  kernels::cpu::silu_backward(x.data(), grad_y.data(), grad_x.data(), x.numel());
  return grad_x;
}

Tensor Silu::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  (void)ctx;
  (void)rule;
  return relevance_y.clone();
}

}  // namespace core
