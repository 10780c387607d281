#pragma once
// Reductions across one thread block, for kernels that give each row of a
// [rows, cols] buffer to a block. The order of the additions depends only on
// the block size, so results are the same from run to run.

#include <cuda_runtime.h>

namespace kernels::cuda::detail {

template <typename T>
__device__ T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__device__ inline float warp_max(float v) {
  for (int offset = 16; offset > 0; offset /= 2)
    v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

// The sum of v over the block, returned to every thread. `scratch` holds one
// T per warp (32 suffice); blockDim.x must be a multiple of 32. Every thread
// of the block must call it.
template <typename T>
__device__ T block_sum(T v, T* scratch) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warp_sum(v);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  T total = 0;
  for (int w = 0; w < warps; ++w)
    total += scratch[w];
  return total;
}

__device__ inline float block_max(float v, float* scratch) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float best = scratch[0];
  for (int w = 1; w < warps; ++w)
    best = fmaxf(best, scratch[w]);
  return best;
}

}  // namespace kernels::cuda::detail
