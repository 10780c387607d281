#pragma once
// Short causal depthwise convolution along time on raw [B, L, C] buffers: one
// K-tap filter per channel, as PyTorch's Conv1d(C, C, K, groups=C,
// padding=K-1) cropped to the first L outputs (Hyena's short filter):
//   y[b, t, c] = bias[c] + sum_{0<=j<K, t+j>=K-1} w[c, j] u[b, t+j-(K-1), c]
// so tap K-1 weighs the current step and tap 0 the step K-1 back.
// w is [C, K] (PyTorch's [C, 1, K] without the singleton), bias [C].

#include <cstdint>

namespace core {

struct DepthwiseConvShape {
  int64_t batch = 0;     // B
  int64_t length = 0;    // L
  int64_t channels = 0;  // C
  int64_t taps = 0;      // K
};

// `bias` may be null.
void causal_depthwise_conv_forward(const DepthwiseConvShape& s, const float* u, const float* w,
                                   const float* bias, float* y);

// du is overwritten; dw [C, K] and dbias [C] are accumulated into (+=), as
// parameter gradients are; any of the three may be null.
void causal_depthwise_conv_backward(const DepthwiseConvShape& s, const float* u, const float* w,
                                    const float* dy, float* du, float* dw, float* dbias);

// Relevance of u from relevance of y by the epsilon rule, the convolution
// seen as a linear layer per channel: R_u[b, s, c] = u[b, s, c] * sum_j
// w[c, j] R_y[b, t, c] / (y[b, t, c] + eps sign(y)) over the outputs t that
// read u at s. The bias (may be null) takes its share of each output, so
// relevance is conserved when it is zero. Runs in double and re-sums y from
// its contributions, so that shares of an output near zero cancel as they
// should.
void causal_depthwise_conv_relevance(const DepthwiseConvShape& s, const float* u, const float* w,
                                     const float* bias, const float* relevance_y, double epsilon,
                                     float* relevance_u);

}  // namespace core
