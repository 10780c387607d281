#pragma once
// LayerNorm and softmax over the last axis of [rows, cols] on CUDA device
// buffers: the twins of kernels/cpu/norms.h (same definitions; read them
// there). Each row is reduced by one thread block in double. dgamma and dbeta
// are accumulated (+=) as on the CPU.

#include <cstdint>

namespace kernels::cuda {

void layer_norm_forward(const float* x, const float* gamma, const float* beta, int64_t rows,
                        int64_t cols, float eps, float* y, float* mean, float* rstd);

void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                         float* dbeta);

void softmax_forward(const float* x, int64_t rows, int64_t cols, float* y);
void softmax_backward(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx);

}  // namespace kernels::cuda
