#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/grid_stride.cuh"

namespace kernels::cuda {

namespace {

using detail::grid_for;
using detail::kThreads;

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;  // the standard normal density at 0

// erfc rather than 1 + erf keeps full relative accuracy in the far negative
// tail, as on the CPU.
__device__ float normal_cdf(float v) {
  return 0.5f * erfcf(-v * kInvSqrt2);
}

// Both branches exponentiate a non-positive number only, so neither overflows.
__device__ float sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
  const float e = expf(x);
  return e / (1.0f + e);
}

__global__ void gelu_forward_kernel(const float* x, float* y, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    const float v = x[i];
    y[i] = v * normal_cdf(v);
  }
}

__global__ void gelu_backward_kernel(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    const float v = x[i];
    const float pdf = kInvSqrt2Pi * expf(-0.5f * v * v);
    dx[i] = dy[i] * (normal_cdf(v) + v * pdf);
  }
}

__global__ void silu_forward_kernel(const float* x, float* y, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    const float v = x[i];
    y[i] = v * sigmoid(v);
  }
}

__global__ void silu_backward_kernel(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    const float v = x[i];
    const float s = sigmoid(v);
    dx[i] = dy[i] * s * (1.0f + v * (1.0f - s));
  }
}

__global__ void add_kernel(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    out[i] = a[i] + b[i];
  }
}

__global__ void mul_kernel(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    out[i] = a[i] * b[i];
  }
}

__global__ void scale_kernel(const float* x, float alpha, float* out, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    out[i] = alpha * x[i];
  }
}

__global__ void axpy_kernel(float alpha, const float* x, float* y, int64_t n) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    y[i] += alpha * x[i];
  }
}

__global__ void add_row_kernel(const float* row, float* y, int64_t rows, int64_t cols) {
  for (int64_t i = detail::grid_first(); i < rows * cols; i += detail::grid_step()) {
    y[i] += row[i % cols];
  }
}

}  // namespace

void gelu_forward(const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  gelu_forward_kernel<<<grid_for(n), kThreads>>>(x, y, n);
  detail::check_launch("gelu_forward (cuda)");
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  if (n <= 0) return;
  gelu_backward_kernel<<<grid_for(n), kThreads>>>(x, dy, dx, n);
  detail::check_launch("gelu_backward (cuda)");
}

void silu_forward(const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  silu_forward_kernel<<<grid_for(n), kThreads>>>(x, y, n);
  detail::check_launch("silu_forward (cuda)");
}

void silu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  if (n <= 0) return;
  silu_backward_kernel<<<grid_for(n), kThreads>>>(x, dy, dx, n);
  detail::check_launch("silu_backward (cuda)");
}

void add(const float* a, const float* b, float* out, int64_t n) {
  if (n <= 0) return;
  add_kernel<<<grid_for(n), kThreads>>>(a, b, out, n);
  detail::check_launch("add (cuda)");
}

void mul(const float* a, const float* b, float* out, int64_t n) {
  if (n <= 0) return;
  mul_kernel<<<grid_for(n), kThreads>>>(a, b, out, n);
  detail::check_launch("mul (cuda)");
}

void scale(const float* x, float alpha, float* out, int64_t n) {
  if (n <= 0) return;
  scale_kernel<<<grid_for(n), kThreads>>>(x, alpha, out, n);
  detail::check_launch("scale (cuda)");
}

void axpy(float alpha, const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  axpy_kernel<<<grid_for(n), kThreads>>>(alpha, x, y, n);
  detail::check_launch("axpy (cuda)");
}

void add_row(const float* row, float* y, int64_t rows, int64_t cols) {
  if (rows <= 0 || cols <= 0) return;
  add_row_kernel<<<grid_for(rows * cols), kThreads>>>(row, y, rows, cols);
  detail::check_launch("add_row (cuda)");
}

}  // namespace kernels::cuda
