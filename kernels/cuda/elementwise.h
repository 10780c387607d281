#pragma once
// Elementwise ops on CUDA device buffers: the twins of
// kernels/cpu/elementwise.h (same definitions; read them there). Every
// pointer is a device pointer; outputs may alias inputs. Calls are queued on
// the default stream and throw std::runtime_error if the launch fails.

#include <cstdint>

namespace kernels::cuda {

// y = x Phi(x), with Phi from erfcf (the exact form the CPU approximates).
void gelu_forward(const float* x, float* y, int64_t n);
void gelu_backward(const float* x, const float* dy, float* dx, int64_t n);

void silu_forward(const float* x, float* y, int64_t n);
void silu_backward(const float* x, const float* dy, float* dx, int64_t n);

void add(const float* a, const float* b, float* out, int64_t n);
void mul(const float* a, const float* b, float* out, int64_t n);
void scale(const float* x, float alpha, float* out, int64_t n);
void axpy(float alpha, const float* x, float* y, int64_t n);
// y [rows, cols] += row [cols] on every row.
void add_row(const float* row, float* y, int64_t rows, int64_t cols);

}  // namespace kernels::cuda
