#pragma once
// Grid-stride loops: for (int64_t i = grid_first(); i < n; i += grid_step()).
// A thread visits i, i + (all threads of the grid), ..., so a grid of any size
// covers any n and neighbouring threads touch neighbouring elements.

#include <cuda_runtime.h>

#include <cstdint>

namespace kernels::cuda::detail {

__device__ inline int64_t grid_first() {
  return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
}

__device__ inline int64_t grid_step() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

}  // namespace kernels::cuda::detail
