#pragma once
// Reductions over one axis of a row-major buffer seen as [outer, n, inner]:
// any axis of a tensor takes that form (outer = product of the dimensions
// before it, inner = of those after). Sums accumulate in double.

#include <cstdint>

namespace kernels::cpu {

// out [outer, inner] = sum over the middle axis of x [outer, n, inner].
// Bias gradients are sum_axis(dy, 1, rows, cols).
void sum_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
// out [outer, inner] = mean over the middle axis (zero when n == 0). Over
// time for activations [B, L, D]: mean_axis(x, B, L, D).
void mean_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
// The adjoint of a sum (alpha = 1) or mean (alpha = 1/n) over the middle
// axis: out [outer, n, inner] = alpha * x [outer, inner] repeated n times.
void broadcast_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float alpha,
                    float* out);
// Sum of all n elements, in double.
double sum(const float* x, int64_t n);

}  // namespace kernels::cpu
