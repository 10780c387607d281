#pragma once
// Causal multi-head softmax attention without projections: the part of the
// Transformer baseline's mixer that sits between the Q/K/V projections and
// the output projection, exposed alone so that it can be checked against
// reference values.
//
// q, k, v and the output are [B, L, D] with D = heads * head_dim; head h owns
// channels [h * head_dim, (h + 1) * head_dim) of the last axis. Per batch and
// head, with s = 1 / sqrt(head_dim):
//   S[t, j] = s * <q[t], k[j]>  for j <= t (the causal mask: later j excluded)
//   P[t, :] = softmax(S[t, 0..t]), zero for j > t
//   o[t]    = sum_j P[t, j] v[j]

#include <cstdint>

#include "core/tensor/tensor.h"

namespace core {

// The attention weights P [B, heads, L, L] (zero above the diagonal) and the
// output o [B, L, D].
struct AttentionForward {
  Tensor probs;
  Tensor out;
};

struct AttentionGrads {
  Tensor dq;  // [B, L, D]
  Tensor dk;  // [B, L, D]
  Tensor dv;  // [B, L, D]
};

// Throws std::invalid_argument unless q, k, v are [B, L, D] alike and heads
// divides D.
AttentionForward causal_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v,
                                          int64_t heads);

// Gradients of sum(dout * o) for the forward above, from its saved weights;
// exact through the softmax (dS = P * (dP - rowsum(dP * P))).
AttentionGrads causal_attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                         const Tensor& probs, const Tensor& dout, int64_t heads);

// Relevance of v [B, L, D] from relevance of o [B, L, D] with the attention
// weights held constant (the AH-rule of Ali et al. 2022): o is then linear in
// v, o[t, d] = sum_j P[t, j] v[j, d], and the epsilon rule shares out
//   R_v[j, d] = v[j, d] * sum_t P[t, j] R_o[t, d] / (o[t, d] + eps sign(o[t, d])).
// Since the rows of P sum to one there is no bias, so sum(R_v) = sum(R_o) as
// eps -> 0. Queries and keys receive no relevance. o is re-summed in double
// from P and v rather than taken from the forward pass (see the .cpp).
Tensor causal_attention_value_relevance(const Tensor& v, const Tensor& probs,
                                        const Tensor& relevance_out, int64_t heads, double epsilon);

}  // namespace core
