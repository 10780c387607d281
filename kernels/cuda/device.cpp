#include "kernels/cuda/device.h"

#include <cuda_runtime_api.h>

#include <cstdio>

namespace kernels::cuda {

namespace {

struct Probe {
  int count = 0;
  cudaError_t status = cudaSuccess;
};

// The answer cannot change while the process runs, and the first query loads
// the driver, so it is asked once.
const Probe& probe() {
  static const Probe result = [] {
    Probe p;
    p.status = cudaGetDeviceCount(&p.count);
    if (p.status != cudaSuccess) p.count = 0;
    // Without a driver the error is also recorded as the last error; clear it
    // so that it does not surface in an unrelated check later.
    cudaGetLastError();
    return p;
  }();
  return result;
}

}  // namespace

int device_count() noexcept {
  return probe().count;
}

std::string device_description() {
  const Probe& p = probe();
  if (p.count == 0) {
    return std::string("no CUDA device (") +
           (p.status == cudaSuccess ? "the runtime found none" : cudaGetErrorString(p.status)) +
           ")";
  }
  int device = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    return "CUDA device (properties unavailable)";
  }
  char line[320];
  std::snprintf(line, sizeof(line), "%s (sm_%d%d, %.1f GiB, %d SMs)", prop.name, prop.major,
                prop.minor, static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0),
                prop.multiProcessorCount);
  return line;
}

}  // namespace kernels::cuda
