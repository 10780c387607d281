#pragma once
// Elementwise activations, any shape in, same shape out. For relevance both
// follow the identity rule (Ali et al. 2022): an elementwise nonlinearity
// does not redistribute relevance between positions, so R_x = R_y, which
// conserves relevance exactly.

#include <string>

#include "core/nn/module.h"

namespace core {

// GELU, exact erf form (PyTorch's default approximate='none').
class Gelu final : public Module {
 public:
  explicit Gelu(std::string name = "gelu") : Module(std::move(name)) {}

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
};

// SiLU (swish): x sigmoid(x).
class Silu final : public Module {
 public:
  explicit Silu(std::string name = "silu") : Module(std::move(name)) {}

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
};

}  // namespace core
