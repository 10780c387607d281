#include <cuda_runtime_api.h>

#include <cstdint>
#include <limits>
#include <mutex>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/grid_stride.cuh"

namespace kernels::cuda {

namespace {

using detail::check;

size_t bytes(int64_t count) {
  return static_cast<size_t>(count) * sizeof(float);
}

// Whether the current device has stream-ordered memory pools; when it does,
// its default pool is told to keep freed memory (the default threshold of 0
// hands it back to the driver at every synchronisation, which would make each
// call pay for fresh allocations).
bool use_memory_pool() {
  static std::once_flag once;
  static bool supported = false;
  std::call_once(once, [] {
    int device = 0, pools = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device) != cudaSuccess) {
      cudaGetLastError();
      return;
    }
    cudaMemPool_t pool = nullptr;
    if (pools == 0 || cudaDeviceGetDefaultMemPool(&pool, device) != cudaSuccess) {
      cudaGetLastError();
      return;
    }
    uint64_t keep = std::numeric_limits<uint64_t>::max();
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
    cudaGetLastError();
    supported = true;
  });
  return supported;
}

__global__ void fill_kernel(float* buffer, float value, int64_t count) {
  for (int64_t i = detail::grid_first(); i < count; i += detail::grid_step())
    buffer[i] = value;
}

}  // namespace

float* device_alloc(int64_t count) {
  if (count < 0) throw std::invalid_argument("device_alloc: negative count");
  if (count == 0) return nullptr;
  void* p = nullptr;
  if (use_memory_pool()) {
    check(cudaMallocAsync(&p, bytes(count), nullptr), "device_alloc");
  } else {
    check(cudaMalloc(&p, bytes(count)), "device_alloc");
  }
  return static_cast<float*>(p);
}

void device_free(float* buffer) noexcept {
  if (!buffer) return;
  // A failure here has nowhere to go (destructors); it is cleared so that it
  // is not blamed on the next call.
  if (use_memory_pool()) {
    cudaFreeAsync(buffer, nullptr);
  } else {
    cudaFree(buffer);
  }
  cudaGetLastError();
}

void copy_to_device(const float* host, float* device, int64_t count) {
  if (count <= 0) return;
  check(cudaMemcpy(device, host, bytes(count), cudaMemcpyHostToDevice), "copy_to_device");
}

void copy_to_host(const float* device, float* host, int64_t count) {
  if (count <= 0) return;
  check(cudaMemcpy(host, device, bytes(count), cudaMemcpyDeviceToHost), "copy_to_host");
}

void copy_on_device(const float* from, float* to, int64_t count) {
  if (count <= 0) return;
  check(cudaMemcpyAsync(to, from, bytes(count), cudaMemcpyDeviceToDevice, nullptr),
        "copy_on_device");
}

void device_fill(float* buffer, float value, int64_t count) {
  if (count <= 0) return;
  fill_kernel<<<detail::grid_for(count), detail::kThreads>>>(buffer, value, count);
  detail::check_launch("device_fill");
}

void synchronize() {
  check(cudaDeviceSynchronize(), "cuda synchronize");
}

}  // namespace kernels::cuda
