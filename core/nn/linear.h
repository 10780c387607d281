#pragma once
// Linear: y = x W^T + b over the last axis, [.., in] -> [.., out], with W
// stored [out, in] as PyTorch does so that checkpoints map one to one.

#include <cstdint>
#include <string>

#include "core/nn/module.h"

namespace core {

class Linear final : public Module {
 public:
  // W and b start uniform in +-1/sqrt(in) (PyTorch's default for nn.Linear),
  // drawn from Philox streams 0 (W, row-major) and 1 (b) of `seed`.
  // Parameters are named "<name>.weight" and "<name>.bias"; the bias opts out
  // of weight decay.
  Linear(std::string name, int64_t in_features, int64_t out_features, uint64_t seed,
         bool bias = true);

  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }
  bool has_bias() const { return has_bias_; }
  Parameter& weight() { return weight_; }  // [out, in]
  Parameter& bias() { return bias_; }      // [out]; empty without bias

 protected:
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override;
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // Dense rules (core/nn/lrp_rules.h): epsilon, gamma, alpha-beta, z-box.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  int64_t in_;
  int64_t out_;
  bool has_bias_;
  Parameter weight_;
  Parameter bias_;
};

}  // namespace core
