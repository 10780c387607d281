#include "core/nn/gate.h"

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>

#include "core/nn/lrp_rules.h"

namespace core {
namespace {

Shape with_last(const Shape& s, int64_t last) {
  std::array<int64_t, 4> dims{};
  for (int a = 0; a < s.rank(); ++a)
    dims[static_cast<size_t>(a)] = s[a];
  dims[static_cast<size_t>(s.rank() - 1)] = last;
  return Shape(std::span<const int64_t>(dims.data(), static_cast<size_t>(s.rank())));
}

// Copies half `which` (0: first, 1: second) of each row of x [rows, 2D].
Tensor half_of(const Tensor& x, int64_t dim, int which) {
  Tensor out(with_last(x.shape(), dim));  // [.., D]
  const int64_t rows = x.numel() / (2 * dim);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(x.data() + r * 2 * dim + which * dim, dim, out.data() + r * dim);
  return out;
}

// [.., 2D] from halves a and b [.., D].
Tensor join(const Tensor& a, const Tensor& b, int64_t dim) {
  Tensor out(with_last(a.shape(), 2 * dim));
  const int64_t rows = a.numel() / dim;
  for (int64_t r = 0; r < rows; ++r) {
    std::copy_n(a.data() + r * dim, dim, out.data() + r * 2 * dim);
    std::copy_n(b.data() + r * dim, dim, out.data() + r * 2 * dim + dim);
  }
  return out;
}

}  // namespace

Gate::Gate(std::string name, int64_t dim, std::unique_ptr<Module> branch)
    : Module(std::move(name)), dim_(dim), branch_(std::move(branch)) {
  if (dim_ < 1) {
    throw std::invalid_argument(this->name() + ": dim must be >= 1, got " + std::to_string(dim_));
  }
}

void Gate::check_input(const Tensor& x) const {
  require_last_dim(x, 2 * dim_, name());
}

Shape Gate::output_shape(const Shape& input) const {
  if (input.rank() == 0) return input;  // not an input forward accepts
  return with_last(input, dim_);
}

Tensor Gate::forward_impl(const Tensor& x, Context& ctx) {
  const Tensor a = half_of(x, dim_, 0);  // [.., D]
  Tensor f = half_of(x, dim_, 1);        // [.., D]
  if (branch_) {
    ctx.children.resize(1);
    const Shape b_shape = f.shape();
    f = branch_->forward(f, ctx.children[0], ctx.mode);
    if (f.shape() != b_shape) {
      throw std::invalid_argument(name() + ": branch " + branch_->name() + " maps " +
                                  b_shape.to_string() + " to " + f.shape().to_string() +
                                  ", expected the same shape");
    }
  }
  Tensor y(a.shape());  // [.., D]
  const int64_t n = y.numel();
  for (int64_t i = 0; i < n; ++i)
    y.data()[i] = a.data()[i] * f.data()[i];
  ctx.saved = {a, f};
  return y;
}

Tensor Gate::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& a = ctx.saved[0];
  const Tensor& f = ctx.saved[1];
  const int64_t n = a.numel();
  Tensor da(a.shape()), df(a.shape());
  for (int64_t i = 0; i < n; ++i) {
    da.data()[i] = grad_y.data()[i] * f.data()[i];
    df.data()[i] = grad_y.data()[i] * a.data()[i];
  }
  const Tensor db = branch_ ? branch_->backward(df, ctx.children[0]) : df;
  return join(da, db, dim_);
}

Tensor Gate::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const float gate_share = rule.gate_half_half ? 0.5f : 0.0f;
  const int64_t n = relevance_y.numel();
  Tensor ra(relevance_y.shape()), rf(relevance_y.shape());
  for (int64_t i = 0; i < n; ++i) {
    const float r = relevance_y.data()[i];
    ra.data()[i] = gate_share * r;
    rf.data()[i] = r - gate_share * r;
  }
  const Tensor rb = branch_ ? branch_->relevance(rf, ctx.children[0], rule) : rf;
  return join(ra, rb, dim_);
}

void Gate::collect_parameters(std::vector<Parameter*>& out) {
  if (!branch_) return;
  for (Parameter* p : branch_->parameters())
    out.push_back(p);
}

}  // namespace core
