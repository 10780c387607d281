#pragma once
// Error checks and launch sizes shared by the CUDA kernels. Included only by
// files of kernels/cuda (it pulls in the CUDA runtime headers).

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace kernels::cuda::detail {

// Throws std::runtime_error("<what>: <CUDA error name> (<description>)").
inline void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  throw std::runtime_error(std::string(what) + ": " + cudaGetErrorName(status) + " (" +
                           cudaGetErrorString(status) + ")");
}

// After a kernel launch: a bad configuration is reported here, faults inside
// the kernel by the next synchronising call.
inline void check_launch(const char* what) {
  check(cudaGetLastError(), what);
}

constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n elements. Past 32768 blocks (8M
// threads, enough to fill any current GPU) each thread takes several.
inline unsigned grid_for(int64_t n) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, 32768));
}

}  // namespace kernels::cuda::detail
