#pragma once
// LayerNorm over the last axis: y = (x - mean) / sqrt(var + eps) * gamma +
// beta, biased variance (PyTorch's nn.LayerNorm), [.., D] -> [.., D].

#include <cstdint>
#include <string>

#include "core/nn/module.h"

namespace core {

class LayerNorm final : public Module {
 public:
  // gamma starts at 1 and beta at 0; neither takes weight decay. Parameters
  // are named "<name>.weight" (gamma) and "<name>.bias" (beta), as PyTorch.
  LayerNorm(std::string name, int64_t dim, float eps = 1e-5f);

  int64_t dim() const { return dim_; }
  float eps() const { return eps_; }
  Parameter& gamma() { return gamma_; }  // [D]
  Parameter& beta() { return beta_; }    // [D]

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Conservative LN rule (Ali et al. 2022): the standard deviation is held
  // at its forward value, which makes the layer the linear map
  //   z = J x,  J_ij = gamma_i rstd (delta_ij - 1/D),
  // and the epsilon rule runs through J (whatever rule.kind asks for, as
  // gamma, alpha-beta and z-box only make sense for learned dense weights):
  //   R_x_j = x_j rstd (gamma_j s_j - mean_i(gamma_i s_i)),  s = R / (y + eps sign y).
  // The mean-centring is part of J rather than a constant: every input also
  // receives (minus) its 1/D share of the relevance through the mean. This is
  // input times the gradient with rstd detached, and sum_j R_x_j =
  // sum_i z_i s_i, exactly R when beta = 0 and eps -> 0. Treating the mean as
  // a constant as well would hand each x_j only its own centred share and
  // lose the terms the mean carries.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  int64_t dim_;
  float eps_;
  Parameter gamma_;
  Parameter beta_;
};

}  // namespace core
