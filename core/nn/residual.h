#pragma once
// Residual: y = x + f(x) around a child module f whose output has the shape
// of its input.

#include <memory>
#include <string>

#include "core/nn/module.h"

namespace core {

class Residual final : public Module {
 public:
  Residual(std::string name, std::unique_ptr<Module> branch);

  Module& branch() { return *branch_; }

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // The sum is a two-input linear map, so the epsilon (z-) rule splits R_y
  // between the skip and the branch in proportion to their contributions:
  //   R_skip = x R / (y + eps sign y),  R_f = f(x) R / (y + eps sign y),
  // then R_x = R_skip + branch.relevance(R_f). R_skip + R_f = R y / (y + eps
  // sign y), which tends to R as eps -> 0; `rule` also goes to the branch.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  std::unique_ptr<Module> branch_;
};

}  // namespace core
