#pragma once
// LRP rules for dense affine maps z = W x + b, row by row (Bach et al. 2015;
// Montavon et al. 2019), following Zennit's definitions (rules.py: Epsilon,
// Gamma, AlphaBeta, ZBox). Every rule has the form "input times a modified
// gradient": R_j = sum_i c_ij R_i / stabilise(sum_j c_ij) for contributions
// c_ij built from x_j and W_ij, so with zero biases the relevance of a row
// sums to that of its outputs (up to the stabiliser).
//
// Sums run in double: relevance is normalised by pre-activations that may be
// small next to the contributions they add up, and float rounding there
// would show up as a loss of conservation.

#include <cstdint>

#include "core/nn/module.h"

namespace core {

// z + eps * sign(z), with sign(0) = +1 (Zennit's stabilize): moves z away
// from zero without changing its sign. A zero result (eps = 0, z = 0) is left
// to the caller, which then passes no relevance through that output.
inline double lrp_stabilise(double z, double eps) {
  return z + (z >= 0.0 ? eps : -eps);
}

// Throws std::invalid_argument naming `who` when the rule's parameters are
// out of range (epsilon < 0, gamma < 0, alpha - beta != 1 or a negative
// alpha/beta, ZBox low >= high).
void check_lrp_rule(const LrpRule& rule, const std::string& who);

// Relevance of x [rows, in] from relevance of z [rows, out] for z = x W^T + b
// with W [out, in] row-major and b [out] (null for no bias).
//  - kEpsilon: c_ij = x_j W_ij, denominator z_i (bias included) + eps sign.
//  - kGamma: positive contributions boosted by gamma; outputs with z_i >= 0
//    use c+ = x+ (W + gamma W+) + x- (W + gamma W-), those with z_i < 0 use
//    c- = x+ (W + gamma W-) + x- (W + gamma W+); denominators add the bias
//    b + gamma b+ (resp. b + gamma b-). Zennit routes z_i == 0 nowhere; here
//    it takes the positive branch so that no relevance is dropped.
//  - kAlphaBeta: alpha * positive share - beta * negative share, with
//    positive contributions x+ W+ + x- W- (plus b+) and negative ones
//    x+ W- + x- W+ (plus b-). An output whose contributions all have one
//    sign passes its relevance in proportion to them (LRP-0 for that output)
//    where Zennit would pass alpha R or drop R: alpha - beta = 1 then
//    conserves relevance for every output, not only the mixed ones.
//  - kZBox: c_ij = x_j W_ij - low W+_ij - high W-_ij for inputs bounded by
//    [low, high]; the bias cancels from the denominator, so the rule
//    conserves relevance even with a bias.
// rule.epsilon stabilises every denominator.
void dense_relevance(const float* x, const float* w, const float* b, const float* relevance_z,
                     int64_t rows, int64_t in, int64_t out, const LrpRule& rule,
                     float* relevance_x);

}  // namespace core
