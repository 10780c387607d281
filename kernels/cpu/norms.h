#pragma once
// Normalisations over the last axis of a row-major [rows, cols] buffer:
// LayerNorm and softmax, forward and backward. Row statistics accumulate in
// double so that long rows do not lose digits.

#include <cstdint>

namespace kernels::cpu {

// y = (x - mean) * rstd * gamma + beta per row, with the biased variance
// (divide by cols, as PyTorch) and rstd = 1 / sqrt(var + eps). gamma and beta
// [cols] may be null (1 and 0). mean and rstd [rows] are written for the
// backward pass and for relevance, which treats rstd as a constant.
void layer_norm_forward(const float* x, const float* gamma, const float* beta, int64_t rows,
                        int64_t cols, float eps, float* y, float* mean, float* rstd);

// From dy [rows, cols] and the forward's mean and rstd: dx [rows, cols] is
// written; dgamma and dbeta [cols] are accumulated into (+=) and may be null.
// With g = dy * gamma and xhat = (x - mean) * rstd:
//   dx = rstd * (g - mean_row(g) - xhat * mean_row(g * xhat)).
void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                         float* dbeta);

// y = exp(x - max) / sum(exp(x - max)) per row; y may alias x.
void softmax_forward(const float* x, int64_t rows, int64_t cols, float* y);
// dx = y * (dy - sum_row(dy * y)) from the forward's output y.
void softmax_backward(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx);

}  // namespace kernels::cpu
