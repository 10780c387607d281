#pragma once
// CausalAttention: multi-head causal self-attention, the sequence mixer of the
// Transformer baseline. [B, L, D] -> [B, L, D]:
//   q, k, v = x Wq^T + bq, x Wk^T + bk, x Wv^T + bv    (Linear, D -> D)
//   o       = causal softmax attention of (q, k, v)    (core/nn/attention_core.h)
//   y       = o Wo^T + bo                              (Linear, D -> D)
// Heads split the last axis; scores are scaled by 1 / sqrt(D / heads).
//
// Relevance follows Ali et al. 2022 ("XAI for Transformers: better
// explanations through conservative propagation"): the attention weights are
// held constant (AH-rule), so o is linear in v and relevance reaches the
// input only through the value path; the output and value projections use
// the dense Linear rules. With zero biases relevance is conserved.

#include <cstdint>
#include <string>

#include "core/nn/linear.h"
#include "core/nn/module.h"

namespace core {

class CausalAttention final : public Module {
 public:
  // Projections are named "<name>.q_proj", ".k_proj", ".v_proj", ".out_proj",
  // each initialised as Linear from its own seed derived from `seed`. Throws
  // std::invalid_argument unless heads divides dim.
  CausalAttention(std::string name, int64_t dim, int64_t heads, uint64_t seed, bool bias = true);

  int64_t dim() const { return dim_; }
  int64_t heads() const { return heads_; }
  Linear& q_proj() { return q_proj_; }
  Linear& k_proj() { return k_proj_; }
  Linear& v_proj() { return v_proj_; }
  Linear& out_proj() { return out_proj_; }

 protected:
  // Expects [B, L, dim].
  void check_input(const Tensor& x) const override;
  Shape output_shape(const Shape& input) const override { return input; }
  Tensor forward_impl(const Tensor& x, Context& ctx) override;
  Tensor backward_impl(const Tensor& grad_y, const Context& ctx) override;
  // The attention core passes relevance by the epsilon rule with rule.epsilon
  // whatever the rule's kind: with constant weights it is a positive
  // averaging of values, where the dense rules' sign handling has nothing
  // to add.
  Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                        const LrpRule& rule) override;
  // q_proj, k_proj, v_proj, out_proj parameters in that order.
  void collect_parameters(std::vector<Parameter*>& out) override;

 private:
  int64_t dim_;
  int64_t heads_;
  Linear q_proj_;
  Linear k_proj_;
  Linear v_proj_;
  Linear out_proj_;
};

}  // namespace core
