#include "core/nn/linear.h"

#include <array>
#include <cmath>
#include <span>
#include <stdexcept>

#include "core/nn/lrp_rules.h"
#include "core/random/philox.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/linalg.h"
#include "kernels/cpu/reduce.h"

namespace core {
namespace {

Tensor uniform_init(Shape shape, double bound, uint64_t seed, uint64_t stream) {
  Tensor t(shape);
  RandomStream rng(seed, stream);
  for (float& v : t.values())
    v = static_cast<float>(bound * (2.0 * rng.uniform() - 1.0));
  return t;
}

}  // namespace

Linear::Linear(std::string name, int64_t in_features, int64_t out_features, uint64_t seed,
               bool bias)
    : Module(std::move(name)), in_(in_features), out_(out_features), has_bias_(bias) {
  if (in_ < 1 || out_ < 1) {
    throw std::invalid_argument(this->name() + ": features must be >= 1, got in " +
                                std::to_string(in_) + ", out " + std::to_string(out_));
  }
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_));
  weight_ = Parameter{.name = this->name() + ".weight",
                      .value = uniform_init({out_, in_}, bound, seed, 0),
                      .grad = {}};
  if (has_bias_) {
    bias_ = Parameter{.name = this->name() + ".bias",
                      .value = uniform_init({out_}, bound, seed, 1),
                      .grad = {},
                      .weight_decay = false};
  }
}

void Linear::check_input(const Tensor& x) const {
  require_last_dim(x, in_, name());
}

Shape Linear::output_shape(const Shape& input) const {
  if (input.rank() == 0) return input;  // not an input forward accepts
  std::array<int64_t, 4> dims{};
  for (int a = 0; a < input.rank(); ++a)
    dims[static_cast<size_t>(a)] = input[a];
  dims[static_cast<size_t>(input.rank() - 1)] = out_;
  return Shape(std::span<const int64_t>(dims.data(), static_cast<size_t>(input.rank())));
}

Tensor Linear::forward_impl(const Tensor& x, Context& ctx) {
  const int64_t rows = x.numel() / in_;
  Tensor y = Tensor::uninitialized(output_shape(x.shape()));  // [.., out]
  // [rows, in] x [out, in]^T -> [rows, out]
  kernels::cpu::gemm(false, true, rows, out_, in_, 1.0f, x.data(), weight_.value.data(), 0.0f,
                     y.data());
  if (has_bias_) kernels::cpu::add_row(bias_.value.data(), y.data(), rows, out_);
  ctx.saved = {x};
  return y;
}

Tensor Linear::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];  // [.., in]
  const int64_t rows = x.numel() / in_;
  Tensor grad_x = Tensor::uninitialized(x.shape());
  // dx [rows, in] = dy [rows, out] W [out, in]
  kernels::cpu::gemm(false, false, rows, in_, out_, 1.0f, grad_y.data(), weight_.value.data(), 0.0f,
                     grad_x.data());
  // dW [out, in] += dy^T [out, rows] x [rows, in]
  kernels::cpu::gemm(true, false, out_, in_, rows, 1.0f, grad_y.data(), x.data(), 1.0f,
                     grad_buffer(weight_).data());
  if (has_bias_) {
    Tensor db({out_});
    kernels::cpu::sum_axis(grad_y.data(), 1, rows, out_, db.data());
    kernels::cpu::axpy(1.0f, db.data(), grad_buffer(bias_).data(), out_);
  }
  return grad_x;
}

Tensor Linear::relevance_impl(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& x = ctx.saved[0];  // [.., in]
  const int64_t rows = x.numel() / in_;
  Tensor relevance_x(x.shape());
  dense_relevance(x.data(), weight_.value.data(), has_bias_ ? bias_.value.data() : nullptr,
                  relevance_y.data(), rows, in_, out_, rule, relevance_x.data());
  return relevance_x;
}

void Linear::collect_parameters(std::vector<Parameter*>& out) {
  out.push_back(&weight_);
  if (has_bias_) out.push_back(&bias_);
}

}  // namespace core
