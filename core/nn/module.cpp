#include "core/nn/module.h"

#include <stdexcept>

namespace core {

Tensor Module::forward(const Tensor& x, Context& ctx, const ForwardMode& mode) {
  check_input(x);
  ctx = Context{};
  ctx.mode = mode;
  ctx.input_shape = x.shape();
  Tensor y = forward_impl(x, ctx);
  if (ctx.saved.empty() && ctx.children.empty()) {
    // Every module needs at least its input shape to check backward calls.
    ctx.saved.push_back(x);
  }
  return y;
}

Tensor Module::backward(const Tensor& grad_y, const Context& ctx) {
  if (ctx.saved.empty() && ctx.children.empty()) {
    throw std::logic_error(name_ + ": backward needs the context of a forward pass");
  }
  require_shape(grad_y, output_shape(ctx.input_shape), (name_ + " backward").c_str());
  return backward_impl(grad_y, ctx);
}

Tensor Module::relevance(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  if (ctx.saved.empty() && ctx.children.empty()) {
    throw std::logic_error(name_ + ": relevance needs the context of a forward pass");
  }
  require_shape(relevance_y, output_shape(ctx.input_shape), (name_ + " relevance").c_str());
  return relevance_impl(relevance_y, ctx, rule);
}

std::vector<Parameter*> Module::parameters() {
  std::vector<Parameter*> out;
  collect_parameters(out);
  return out;
}

void Module::zero_grad() {
  for (Parameter* p : parameters())
    grad_buffer(*p).fill(0.0f);
}

void require_last_dim(const Tensor& x, int64_t dim, const std::string& who) {
  if (x.rank() < 1 || x.size(x.rank() - 1) != dim) {
    throw std::invalid_argument(who + ": expected [.., " + std::to_string(dim) + "], got " +
                                x.shape().to_string());
  }
}

void require_any_tensor(const Tensor& x, const std::string& who) {
  if (x.rank() < 1 || x.empty()) {
    throw std::invalid_argument(who + ": expected a tensor of rank >= 1, got " +
                                x.shape().to_string());
  }
}

Tensor& grad_buffer(Parameter& p) {
  if (p.grad.empty() || p.grad.shape() != p.value.shape()) p.grad = Tensor(p.value.shape());
  return p.grad;
}

}  // namespace core
