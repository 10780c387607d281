#pragma once
// The mixing step that long-convolution and state-space layers share once
// their kernel is built: y = K * u + D u along time, one kernel per channel,
// on [B, L, H] tensors, through kernels::cpu::long_conv_*. Kernels are
// [H, Lk] (causal) or [H, 2, Lk] (bidirectional: forward half, then backward
// half), Lk <= L; the layout of kernels/cpu/long_conv.h.

#include <cstdint>
#include <string>

#include "core/nn/module.h"
#include "core/tensor/tensor.h"

namespace core {

// Throws std::invalid_argument("<who>: expected [B, L, <channels>], got ..")
// unless x is rank 3 with `channels` channels and L >= 1.
void require_sequence(const Tensor& x, int64_t channels, const std::string& who);

// y [B, L, H] = K * u + D u. `d` [H] may be empty (no skip term).
Tensor conv_mix_forward(const Tensor& u, const Tensor& k, const Tensor& d, bool bidirectional);

struct ConvMixGrads {
  Tensor du;  // [B, L, H]
  Tensor dk;  // the kernel's shape
  Tensor dd;  // [H]; empty when d is
};

// Gradients of sum(dy * y) for conv_mix_forward, overwritten (not
// accumulated): the caller decides where they go.
ConvMixGrads conv_mix_backward(const Tensor& u, const Tensor& k, const Tensor& d, const Tensor& dy,
                               bool bidirectional);

// LRP-epsilon for the mixing step. For a fixed kernel the layer is linear in
// u, z[b,t,h] = sum_j c[t,j] u[b,j,h] with c the Toeplitz matrix of the kernel
// plus D on its diagonal and no bias, so the epsilon rule
//   R_u[b,j,h] = u[b,j,h] sum_t c[t,j] s[b,t,h],  s = R / (z + eps sign z),
// is u times the transposed convolution of s: long_conv_backward's du path
// with dy = s, by FFT for long sequences. sum R_u = sum s z, which is sum R
// as eps -> 0. The kernel is not an input, so it receives no relevance.
// Other rule kinds fall back to epsilon: gamma, alpha-beta and z-box are
// defined for learned dense weights, not for a structured kernel.
Tensor conv_mix_relevance(const Tensor& u, const Tensor& k, const Tensor& d,
                          const Tensor& relevance_y, bool bidirectional, const LrpRule& rule);

}  // namespace core
