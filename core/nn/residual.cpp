#include "core/nn/residual.h"

#include <stdexcept>

#include "core/nn/lrp_rules.h"
#include "kernels/cpu/elementwise.h"

namespace core {

Residual::Residual(std::string name, std::unique_ptr<Module> branch)
    : Module(std::move(name)), branch_(std::move(branch)) {
  if (!branch_) throw std::invalid_argument(this->name() + ": needs a branch module");
}

// The branch checks its own input when it runs, so that a wrong shape is
// reported by the module that needs it; forward_impl then checks that the
// branch preserves the shape, without which there is no sum.
void Residual::check_input(const Tensor& x) const {
  require_any_tensor(x, name());
}

Tensor Residual::forward_impl(const Tensor& x, Context& ctx) {
  ctx.children.resize(1);
  Tensor fx = branch_->forward(x, ctx.children[0], ctx.mode);  // [.., D]
  if (fx.shape() != x.shape()) {
    throw std::invalid_argument(name() + ": branch " + branch_->name() + " maps " +
                                x.shape().to_string() + " to " + fx.shape().to_string() +
                                ", expected the input shape");
  }
  Tensor y = Tensor::uninitialized(x.shape());
  kernels::cpu::add(x.data(), fx.data(), y.data(), x.numel());
  ctx.saved = {x, fx};
  return y;
}

Tensor Residual::backward_impl(const Tensor& grad_y, const Context& ctx) {
  Tensor grad_x = branch_->backward(grad_y, ctx.children[0]);
  kernels::cpu::axpy(1.0f, grad_y.data(), grad_x.data(), grad_x.numel());
  return grad_x;
}

Tensor Residual::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& x = ctx.saved[0];
  const Tensor& fx = ctx.saved[1];
  const int64_t n = x.numel();
  Tensor relevance_x(x.shape());
  Tensor relevance_f(x.shape());
  const float* xv = x.data();
  const float* fv = fx.data();
  const float* rv = relevance_y.data();
  float* rx = relevance_x.data();
  float* rf = relevance_f.data();
  for (int64_t i = 0; i < n; ++i) {
    const double y = static_cast<double>(xv[i]) + fv[i];
    const double d = lrp_stabilise(y, rule.epsilon);
    const double s = d == 0.0 ? 0.0 : rv[i] / d;
    rx[i] = static_cast<float>(xv[i] * s);
    rf[i] = static_cast<float>(fv[i] * s);
  }
  const Tensor relevance_branch = branch_->relevance(relevance_f, ctx.children[0], rule);
  kernels::cpu::axpy(1.0f, relevance_branch.data(), rx, n);
  return relevance_x;
}

void Residual::collect_parameters(std::vector<Parameter*>& out) {
  for (Parameter* p : branch_->parameters())
    out.push_back(p);
}

}  // namespace core
