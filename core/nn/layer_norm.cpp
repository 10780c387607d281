#include "core/nn/layer_norm.h"

#include <stdexcept>
#include <vector>

#include "core/nn/lrp_rules.h"
#include "kernels/cpu/norms.h"

namespace core {

LayerNorm::LayerNorm(std::string name, int64_t dim, float eps)
    : Module(std::move(name)), dim_(dim), eps_(eps) {
  if (dim_ < 1) {
    throw std::invalid_argument(this->name() + ": dim must be >= 1, got " + std::to_string(dim_));
  }
  if (!(eps_ > 0.0f)) {
    throw std::invalid_argument(this->name() + ": eps must be > 0, got " + std::to_string(eps_));
  }
  gamma_ = Parameter{.name = this->name() + ".weight",
                     .value = Tensor::full({dim_}, 1.0f),
                     .grad = {},
                     .weight_decay = false};
  beta_ = Parameter{
      .name = this->name() + ".bias", .value = Tensor({dim_}), .grad = {}, .weight_decay = false};
}

void LayerNorm::check_input(const Tensor& x) const {
  require_last_dim(x, dim_, name());
}

Tensor LayerNorm::forward_impl(const Tensor& x, Context& ctx) {
  const int64_t rows = x.numel() / dim_;
  Tensor y = Tensor::uninitialized(x.shape());  // [.., D]
  Tensor mean = Tensor::uninitialized({rows});  // [rows]
  Tensor rstd = Tensor::uninitialized({rows});  // [rows]
  kernels::cpu::layer_norm_forward(x.data(), gamma_.value.data(), beta_.value.data(), rows, dim_,
                                   eps_, y.data(), mean.data(), rstd.data());
  ctx.saved = {x, mean, rstd};
  return y;
}

Tensor LayerNorm::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& x = ctx.saved[0];
  const int64_t rows = x.numel() / dim_;
  Tensor grad_x = Tensor::uninitialized(x.shape());
  kernels::cpu::layer_norm_backward(x.data(), gamma_.value.data(), ctx.saved[1].data(),
                                    ctx.saved[2].data(), grad_y.data(), rows, dim_, grad_x.data(),
                                    grad_buffer(gamma_).data(), grad_buffer(beta_).data());
  return grad_x;
}

Tensor LayerNorm::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                 const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& x = ctx.saved[0];  // [.., D]
  const float* mean = ctx.saved[1].data();
  const float* rstd = ctx.saved[2].data();
  const float* gamma = gamma_.value.data();
  const float* beta = beta_.value.data();
  const int64_t rows = x.numel() / dim_;
  Tensor relevance_x(x.shape());
  std::vector<double> gs(static_cast<size_t>(dim_));  // gamma_i s_i
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x.data() + r * dim_;
    const float* rr = relevance_y.data() + r * dim_;
    float* out = relevance_x.data() + r * dim_;
    const double mu = mean[r], rs = rstd[r];
    double sum_gs = 0.0;
    for (int64_t i = 0; i < dim_; ++i) {
      const double z = gamma[i] * (xr[i] - mu) * rs;
      const double d = lrp_stabilise(z + beta[i], rule.epsilon);
      const double s = d == 0.0 ? 0.0 : rr[i] / d;
      gs[static_cast<size_t>(i)] = gamma[i] * s;
      sum_gs += gamma[i] * s;
    }
    const double mean_gs = sum_gs / static_cast<double>(dim_);
    for (int64_t j = 0; j < dim_; ++j)
      out[j] = static_cast<float>(xr[j] * rs * (gs[static_cast<size_t>(j)] - mean_gs));
  }
  return relevance_x;
}

void LayerNorm::collect_parameters(std::vector<Parameter*>& out) {
  out.push_back(&gamma_);
  out.push_back(&beta_);
}

}  // namespace core
