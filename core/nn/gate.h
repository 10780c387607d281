#pragma once
// Gate: a multiplicative gate over the last axis, [.., 2D] -> [.., D]. The
// first half a is the gate and the second half b the signal, which may first
// pass through a branch module f (e.g. a long convolution, as in gated
// convolution blocks): y = a * f(b). Without a branch f is the identity.

#include <cstdint>
#include <memory>
#include <string>

#include "core/nn/module.h"

namespace core {

class Gate final : public Module {
 public:
  // `branch` maps [.., D] to [.., D]; null for none.
  Gate(std::string name, int64_t dim, std::unique_ptr<Module> branch = nullptr);

  int64_t dim() const { return dim_; }
  Module* branch() { return branch_.get(); }

 protected:
  void check_input(const Tensor& x) const override;  // [.., 2D]
  Shape output_shape(const Shape& input) const override;
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // A product has no linear decomposition, so the split is a choice
  // (Arras et al. 2017; Ali et al. 2022): with rule.gate_half_half the gate
  // and the signal each take half of R_y; otherwise the gate counts as a
  // constant and all of R_y goes to the signal. Either way sum R_a + sum R_f
  // = sum R_y, and the branch then passes R_f on to b under `rule`.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  int64_t dim_;
  std::unique_ptr<Module> branch_;
};

}  // namespace core
