#include "core/nn/causal_attention.h"

#include <stdexcept>

#include "core/nn/attention_core.h"
#include "core/nn/lrp_rules.h"
#include "core/nn/seeds.h"
#include "kernels/cpu/elementwise.h"

namespace core {
namespace {

int64_t checked_heads(const std::string& who, int64_t dim, int64_t heads) {
  if (dim < 1 || heads < 1 || dim % heads != 0) {
    throw std::invalid_argument(who + ": heads must divide dim, got dim " + std::to_string(dim) +
                                ", heads " + std::to_string(heads));
  }
  return heads;
}

}  // namespace

CausalAttention::CausalAttention(std::string name, int64_t dim, int64_t heads, uint64_t seed,
                                 bool bias)
    : Module(std::move(name)),
      dim_(dim),
      heads_(checked_heads(this->name(), dim, heads)),
      q_proj_(this->name() + ".q_proj", dim, dim, submodule_seed(seed, 0), bias),
      k_proj_(this->name() + ".k_proj", dim, dim, submodule_seed(seed, 1), bias),
      v_proj_(this->name() + ".v_proj", dim, dim, submodule_seed(seed, 2), bias),
      out_proj_(this->name() + ".out_proj", dim, dim, submodule_seed(seed, 3), bias) {}

void CausalAttention::check_input(const Tensor& x) const {
  if (x.rank() != 3 || x.size(2) != dim_ || x.size(1) < 1) {
    throw std::invalid_argument(name() + ": expected [B, L, " + std::to_string(dim_) + "], got " +
                                x.shape().to_string());
  }
}

// ctx.children: q_proj, k_proj, v_proj, out_proj.
// ctx.saved: q, k, v, attention weights.
Tensor CausalAttention::forward_impl(const Tensor& x, Context& ctx) {
  ctx.children.resize(4);
  const Tensor q = q_proj_.forward(x, ctx.children[0], ctx.mode);  // [B, L, D]
  const Tensor k = k_proj_.forward(x, ctx.children[1], ctx.mode);  // [B, L, D]
  const Tensor v = v_proj_.forward(x, ctx.children[2], ctx.mode);  // [B, L, D]
  AttentionForward att = causal_attention_forward(q, k, v, heads_);
  Tensor y = out_proj_.forward(att.out, ctx.children[3], ctx.mode);  // [B, L, D]
  ctx.saved = {q, k, v, att.probs};
  return y;
}

Tensor CausalAttention::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Tensor& q = ctx.saved[0];
  const Tensor& k = ctx.saved[1];
  const Tensor& v = ctx.saved[2];
  const Tensor& probs = ctx.saved[3];
  const Tensor grad_o = out_proj_.backward(grad_y, ctx.children[3]);  // [B, L, D]
  const AttentionGrads g = causal_attention_backward(q, k, v, probs, grad_o, heads_);
  // x feeds all three projections: its gradient is the sum of theirs.
  Tensor grad_x = q_proj_.backward(g.dq, ctx.children[0]);  // [B, L, D]
  const Tensor from_k = k_proj_.backward(g.dk, ctx.children[1]);
  const Tensor from_v = v_proj_.backward(g.dv, ctx.children[2]);
  kernels::cpu::axpy(1.0f, from_k.data(), grad_x.data(), grad_x.numel());
  kernels::cpu::axpy(1.0f, from_v.data(), grad_x.data(), grad_x.numel());
  return grad_x;
}

Tensor CausalAttention::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                       const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& v = ctx.saved[2];
  const Tensor& probs = ctx.saved[3];
  const Tensor relevance_o = out_proj_.relevance(relevance_y, ctx.children[3], rule);
  const Tensor relevance_v =
      causal_attention_value_relevance(v, probs, relevance_o, heads_, rule.epsilon);
  // With the weights constant, q and k carry no relevance: all of the
  // input's relevance arrives through the value projection.
  return v_proj_.relevance(relevance_v, ctx.children[2], rule);
}

void CausalAttention::collect_parameters(std::vector<Parameter*>& out) {
  for (Linear* l : {&q_proj_, &k_proj_, &v_proj_, &out_proj_}) {
    for (Parameter* p : l->parameters())
      out.push_back(p);
  }
}

}  // namespace core
