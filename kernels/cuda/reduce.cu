#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/column_sums.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/grid_stride.cuh"
#include "kernels/cuda/reduce.h"

namespace kernels::cuda {

namespace {

__global__ void broadcast_kernel(const float* x, int64_t outer, int64_t n, int64_t inner,
                                 float alpha, float* out) {
  for (int64_t i = detail::grid_first(); i < outer * n * inner; i += detail::grid_step()) {
    const int64_t o = i / (n * inner), j = i % inner;
    out[i] = alpha * x[o * inner + j];
  }
}

}  // namespace

void sum_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out) {
  detail::column_sums(x, nullptr, nullptr, nullptr, outer, n, inner, 1.0, false, out);
}

void mean_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out) {
  detail::column_sums(x, nullptr, nullptr, nullptr, outer, n, inner,
                      n > 0 ? 1.0 / static_cast<double>(n) : 0.0, false, out);
}

void broadcast_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float alpha,
                    float* out) {
  const int64_t count = outer * n * inner;
  if (count <= 0) return;
  broadcast_kernel<<<detail::grid_for(count), detail::kThreads>>>(x, outer, n, inner, alpha, out);
  detail::check_launch("broadcast_axis (cuda)");
}

double sum(const float* x, int64_t n) {
  return detail::total_sum(x, n);
}

}  // namespace kernels::cuda
