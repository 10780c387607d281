#include "core/train/adamw.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "kernels/cpu/adamw.h"

namespace core {

namespace {

void check_positive_finite(double value, const char* field) {
  if (!(value > 0) || !std::isfinite(value)) {
    throw std::invalid_argument(std::string("adamw: ") + field + ": expected a finite value > 0");
  }
}

void check_unit_interval(double value, const char* field) {
  if (!(value >= 0 && value < 1)) {
    throw std::invalid_argument(std::string("adamw: ") + field + ": expected a value in [0, 1)");
  }
}

}  // namespace

AdamW::AdamW(std::vector<Parameter*> parameters, const AdamWOptions& options)
    : parameters_(std::move(parameters)), options_(options), lr_(options.lr) {
  set_lr(options.lr);
  check_unit_interval(options.beta1, "beta1");
  check_unit_interval(options.beta2, "beta2");
  check_positive_finite(options.eps, "eps");
  if (!(options.weight_decay >= 0) || !std::isfinite(options.weight_decay)) {
    throw std::invalid_argument("adamw: weight_decay: expected a finite value >= 0");
  }
  std::set<std::string> names;
  for (const Parameter* p : parameters_) {
    if (p == nullptr) throw std::invalid_argument("adamw: null parameter");
    if (!names.insert(p->name).second) {
      throw std::invalid_argument("adamw: two parameters are named '" + p->name + "'");
    }
    if (!(p->lr_scale >= 0) || !std::isfinite(p->lr_scale)) {
      throw std::invalid_argument("adamw: " + p->name + ": lr_scale must be finite and >= 0");
    }
    exp_avg_.emplace_back(p->value.shape());
    exp_avg_sq_.emplace_back(p->value.shape());
  }
}

void AdamW::set_lr(double lr) {
  if (!(lr >= 0) || !std::isfinite(lr)) {
    throw std::invalid_argument("adamw: lr: expected a finite value >= 0");
  }
  lr_ = lr;
}

void AdamW::step() {
  // Check everything before touching anything, so that a bad call leaves the
  // parameters and the state as they were.
  for (const Parameter* p : parameters_) {
    if (p->grad.empty() || p->grad.shape() != p->value.shape()) {
      throw std::logic_error("adamw: " + p->name + ": no gradient of shape " +
                             p->value.shape().to_string() + " (call zero_grad and backward)");
    }
  }
  ++step_;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Parameter& p = *parameters_[i];
    kernels::cpu::AdamWHyper hyper;
    hyper.lr = lr_ * static_cast<double>(p.lr_scale);
    hyper.beta1 = options_.beta1;
    hyper.beta2 = options_.beta2;
    hyper.eps = options_.eps;
    hyper.weight_decay = p.weight_decay ? options_.weight_decay : 0.0;
    hyper.step = step_;
    kernels::cpu::adamw_update(p.value.data(), p.grad.data(), exp_avg_[i].data(),
                               exp_avg_sq_[i].data(), p.value.numel(), hyper);
  }
}

void AdamW::zero_grad() {
  for (Parameter* p : parameters_) {
    if (p->grad.empty() || p->grad.shape() != p->value.shape()) {
      p->grad = Tensor(p->value.shape());
    } else {
      p->grad.fill(0.0f);
    }
  }
}

AdamWState AdamW::state() const {
  AdamWState state;
  state.step = step_;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    state.tensors.push_back({parameters_[i]->name + ".exp_avg", exp_avg_[i].clone()});
    state.tensors.push_back({parameters_[i]->name + ".exp_avg_sq", exp_avg_sq_[i].clone()});
  }
  return state;
}

void AdamW::load_state(const AdamWState& state) {
  if (state.step < 0) throw std::invalid_argument("adamw state: negative step count");
  if (state.tensors.size() != 2 * parameters_.size()) {
    throw std::invalid_argument("adamw state: expected " + std::to_string(2 * parameters_.size()) +
                                " tensors, got " + std::to_string(state.tensors.size()));
  }
  auto find = [&](const std::string& name, const Shape& shape) -> const Tensor& {
    for (const auto& t : state.tensors) {
      if (t.name != name) continue;
      require_shape(t.tensor, shape, ("adamw state: " + name).c_str());
      return t.tensor;
    }
    throw std::invalid_argument("adamw state: no tensor '" + name + "'");
  };
  // Resolve all tensors first: a failed load leaves the optimiser unchanged.
  std::vector<Tensor> m, v;
  for (const Parameter* p : parameters_) {
    m.push_back(find(p->name + ".exp_avg", p->value.shape()).clone());
    v.push_back(find(p->name + ".exp_avg_sq", p->value.shape()).clone());
  }
  exp_avg_ = std::move(m);
  exp_avg_sq_ = std::move(v);
  step_ = state.step;
}

double clip_grad_norm(std::span<Parameter* const> parameters, double max_norm) {
  if (!(max_norm > 0) || !std::isfinite(max_norm)) {
    throw std::invalid_argument("clip_grad_norm: max_norm: expected a finite value > 0");
  }
  double sum = 0;
  for (const Parameter* p : parameters) {
    if (p->grad.empty()) continue;
    for (float g : p->grad.values())
      sum += static_cast<double>(g) * static_cast<double>(g);
  }
  const double norm = std::sqrt(sum);
  if (!std::isfinite(norm) || norm <= max_norm) return norm;
  const double scale = max_norm / norm;
  for (Parameter* p : parameters) {
    if (p->grad.empty()) continue;
    for (float& g : p->grad.values())
      g = static_cast<float>(static_cast<double>(g) * scale);
  }
  return norm;
}

}  // namespace core
