#pragma once
// Reductions over the middle axis of [outer, n, inner] on CUDA device
// buffers: the twins of kernels/cpu/reduce.h (same definitions; read them
// there). Sums accumulate in double, in an order fixed by the shape.

#include <cstdint>

namespace kernels::cuda {

void sum_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
void mean_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
void broadcast_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float alpha,
                    float* out);
// Sum of all n elements of the device buffer x, returned to the host (waits
// for the work queued before it).
double sum(const float* x, int64_t n);

}  // namespace kernels::cuda
