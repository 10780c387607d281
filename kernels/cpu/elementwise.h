#pragma once
// Elementwise ops on contiguous float buffers: activations with their
// derivatives and the small arithmetic helpers modules need. Every op reads
// and writes `n` elements; outputs may alias inputs unless noted.

#include <cstdint>

namespace kernels::cpu {

// GELU, exact form: y = x Phi(x) = x/2 erfc(-x/sqrt(2)). erfc rather than
// 1 + erf keeps full relative accuracy in the far negative tail, where
// 1 + erf(x) cancels to zero in float.
void gelu_forward(const float* x, float* y, int64_t n);
// dx = dy * (Phi(x) + x phi(x)).
void gelu_backward(const float* x, const float* dy, float* dx, int64_t n);

// SiLU (swish): y = x sigmoid(x).
void silu_forward(const float* x, float* y, int64_t n);
// dx = dy * s (1 + x (1 - s)), s = sigmoid(x).
void silu_backward(const float* x, const float* dy, float* dx, int64_t n);

// out = a + b.
void add(const float* a, const float* b, float* out, int64_t n);
// out = a * b.
void mul(const float* a, const float* b, float* out, int64_t n);
// out = alpha * x.
void scale(const float* x, float alpha, float* out, int64_t n);
// y += alpha * x (gradient accumulation).
void axpy(float alpha, const float* x, float* y, int64_t n);
// y [rows, cols] += row [cols] on every row (bias add).
void add_row(const float* row, float* y, int64_t rows, int64_t cols);

}  // namespace kernels::cpu
