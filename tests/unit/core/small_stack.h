#pragma once
// The small whole stack that gradient and relevance tests run end to end:
//   Linear(in -> model) -> LayerNorm -> Residual(Linear(model -> hidden) ->
//   GELU -> Linear(hidden -> model)) -> Linear(model -> out)
// and its double-precision reference.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/nn/activations.h"
#include "core/nn/layer_norm.h"
#include "core/nn/linear.h"
#include "core/nn/residual.h"
#include "core/nn/sequential.h"
#include "nn_reference.h"
#include "random_tensor.h"

namespace small_stack {

struct Dims {
  int64_t in = 5;
  int64_t model = 6;
  int64_t hidden = 8;
  int64_t out = 3;
};

// Biases (when `bias`) start at their random init; LayerNorm's gamma is
// drawn in [0.5, 1.5] and its beta in [-0.2, 0.2] (zero without `bias`), so
// that no parameter sits at a value that hides a wrong gradient.
inline std::unique_ptr<core::Sequential> make(const Dims& d, bool bias, uint64_t seed) {
  auto stack = std::make_unique<core::Sequential>("stack");
  stack->emplace<core::Linear>("embed", d.in, d.model, seed + 1, bias);
  auto& norm = stack->emplace<core::LayerNorm>("norm", d.model);
  norm.gamma().value = neuroseq_test::random_uniform({d.model}, seed + 2, 0.5, 1.5);
  norm.beta().value = bias ? neuroseq_test::random_uniform({d.model}, seed + 3, -0.2, 0.2)
                           : core::Tensor({d.model});
  auto mlp = std::make_unique<core::Sequential>("mlp");
  mlp->emplace<core::Linear>("mlp.up", d.model, d.hidden, seed + 4, bias);
  mlp->emplace<core::Gelu>("mlp.gelu");
  mlp->emplace<core::Linear>("mlp.down", d.hidden, d.model, seed + 5, bias);
  stack->emplace<core::Residual>("block", std::move(mlp));
  stack->emplace<core::Linear>("head", d.model, d.out, seed + 6, bias);
  return stack;
}

// The stack in double; `p` holds the parameters in parameters() order.
inline nn_reference::Vec reference(const nn_reference::Vec& x,
                                   const std::vector<nn_reference::Vec>& p, const Dims& d,
                                   bool bias) {
  namespace ref = nn_reference;
  const ref::Vec none;
  size_t k = 0;
  auto next = [&]() -> const ref::Vec& { return p[k++]; };
  auto linear = [&](const ref::Vec& v, int64_t in, int64_t out) {
    const ref::Vec& w = next();
    return ref::linear(v, w, bias ? next() : none, in, out);
  };
  ref::Vec h = linear(x, d.in, d.model);
  const ref::Vec& gamma = next();
  const ref::Vec& beta = next();
  h = ref::layer_norm(h, gamma, beta, d.model, 1e-5);
  ref::Vec f = linear(h, d.model, d.hidden);
  f = ref::gelu(f);
  f = linear(f, d.hidden, d.model);
  h = ref::add(h, f);
  return linear(h, d.model, d.out);
}

}  // namespace small_stack
