#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/column_sums.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/norms.h"

namespace kernels::cuda {

namespace {

using detail::block_max;
using detail::block_sum;

constexpr int kRowThreads = 256;
constexpr int64_t kMaxBlocks = 65535;

unsigned row_grid(int64_t rows) {
  return static_cast<unsigned>(std::min(rows, kMaxBlocks));
}

// One block per row (blocks stride over the rows when there are more).
__global__ void layer_norm_forward_kernel(const float* x, const float* gamma, const float* beta,
                                          int64_t rows, int64_t cols, float eps, float* y,
                                          float* mean, float* rstd) {
  __shared__ double scratch[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    double sum = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      sum += xr[c];
    sum = block_sum(sum, scratch);
    const double mu = cols > 0 ? sum / static_cast<double>(cols) : 0.0;
    // Two passes, as on the CPU: the centred sum of squares does not cancel.
    double ss = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double d = xr[c] - mu;
      ss += d * d;
    }
    ss = block_sum(ss, scratch);
    const double var = cols > 0 ? ss / static_cast<double>(cols) : 0.0;
    const double rs = 1.0 / sqrt(var + static_cast<double>(eps));
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      double v = (xr[c] - mu) * rs;
      if (gamma) v *= gamma[c];
      if (beta) v += beta[c];
      yr[c] = static_cast<float>(v);
    }
    if (threadIdx.x == 0) {
      mean[r] = static_cast<float>(mu);
      rstd[r] = static_cast<float>(rs);
    }
  }
}

// dx only; dgamma and dbeta are column sums (column_sums.cu).
__global__ void layer_norm_backward_kernel(const float* x, const float* gamma, const float* mean,
                                           const float* rstd, const float* dy, int64_t rows,
                                           int64_t cols, float* dx) {
  __shared__ double scratch[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    const double mu = mean[r], rs = rstd[r];
    double sum_g = 0.0, sum_gx = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double xhat = (xr[c] - mu) * rs;
      const double g = gamma ? static_cast<double>(dyr[c]) * gamma[c] : dyr[c];
      sum_g += g;
      sum_gx += g * xhat;
    }
    sum_g = block_sum(sum_g, scratch);
    sum_gx = block_sum(sum_gx, scratch);
    const double mean_g = sum_g / static_cast<double>(cols);
    const double mean_gx = sum_gx / static_cast<double>(cols);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double xhat = (xr[c] - mu) * rs;
      const double g = gamma ? static_cast<double>(dyr[c]) * gamma[c] : dyr[c];
      dxr[c] = static_cast<float>(rs * (g - mean_g - xhat * mean_gx));
    }
  }
}

__global__ void softmax_forward_kernel(const float* x, int64_t rows, int64_t cols, float* y) {
  __shared__ float max_scratch[32];
  __shared__ double sum_scratch[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    // Shifting by the row maximum keeps every exponent <= 0.
    float m = -INFINITY;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      m = fmaxf(m, xr[c]);
    m = block_max(m, max_scratch);
    double sum = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      sum += expf(xr[c] - m);
    sum = block_sum(sum, sum_scratch);
    const double inv = 1.0 / sum;
    // y may alias x: each element is read before it is written, by the same
    // thread, and every read of the row above finished before block_sum.
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      yr[c] = static_cast<float>(expf(xr[c] - m) * inv);
  }
}

__global__ void softmax_backward_kernel(const float* y, const float* dy, int64_t rows, int64_t cols,
                                        float* dx) {
  __shared__ double scratch[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    double dot = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      dot += static_cast<double>(dyr[c]) * yr[c];
    dot = block_sum(dot, scratch);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
      dxr[c] = static_cast<float>(yr[c] * (dyr[c] - dot));
  }
}

}  // namespace

void layer_norm_forward(const float* x, const float* gamma, const float* beta, int64_t rows,
                        int64_t cols, float eps, float* y, float* mean, float* rstd) {
  if (rows <= 0) return;
  layer_norm_forward_kernel<<<row_grid(rows), kRowThreads>>>(x, gamma, beta, rows, cols, eps, y,
                                                             mean, rstd);
  detail::check_launch("layer_norm_forward (cuda)");
}

void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                         float* dbeta) {
  if (rows <= 0 || cols <= 0) return;
  layer_norm_backward_kernel<<<row_grid(rows), kRowThreads>>>(x, gamma, mean, rstd, dy, rows, cols,
                                                              dx);
  detail::check_launch("layer_norm_backward (cuda)");
  // dgamma += sum_rows dy * xhat, dbeta += sum_rows dy.
  if (dgamma) detail::column_sums(dy, x, mean, rstd, 1, rows, cols, 1.0, true, dgamma);
  if (dbeta) detail::column_sums(dy, nullptr, nullptr, nullptr, 1, rows, cols, 1.0, true, dbeta);
}

void softmax_forward(const float* x, int64_t rows, int64_t cols, float* y) {
  if (rows <= 0 || cols <= 0) return;
  softmax_forward_kernel<<<row_grid(rows), kRowThreads>>>(x, rows, cols, y);
  detail::check_launch("softmax_forward (cuda)");
}

void softmax_backward(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx) {
  if (rows <= 0 || cols <= 0) return;
  softmax_backward_kernel<<<row_grid(rows), kRowThreads>>>(y, dy, rows, cols, dx);
  detail::check_launch("softmax_backward (cuda)");
}

}  // namespace kernels::cuda
