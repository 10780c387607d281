#pragma once
// TimeMean: the mean over time that pools an encoder's output for a
// sequence-level head, [B, L, D] -> [B, D].

#include <string>

#include "core/nn/module.h"

namespace core {

class TimeMean final : public Module {
 public:
  explicit TimeMean(std::string name = "time_mean") : Module(std::move(name)) {}

 protected:
  void check_input(const Tensor& x) const override;  // [B, L, D], L >= 1
  Shape output_shape(const Shape& input) const override;
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // The mean is linear with weights 1/L and no bias, so the epsilon rule
  // hands each time step its share of the mean:
  //   R_x[b,t,d] = (x[b,t,d] / L) R[b,d] / (mean[b,d] + eps sign),
  // which sums over t to R[b,d] as eps -> 0 (any rule kind runs as epsilon).
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
};

}  // namespace core
