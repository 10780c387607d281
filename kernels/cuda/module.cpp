// The CUDA backend as a module that kernels/backend.cpp loads on first use:
// a process that never asks for CUDA never maps the CUDA runtime, cuFFT and
// cuBLAS (a fifth of a second per process, and a hard dependency on a node
// without them).

#include <string>

#include "kernels/cuda/backend_table.h"
#include "kernels/cuda/device.h"

extern "C" {

__attribute__((visibility("default"))) const kernels::Backend* neuroseq_cuda_backend() {
  return kernels::cuda::device_count() > 0 ? &kernels::cuda::backend_table() : nullptr;
}

__attribute__((visibility("default"))) const char* neuroseq_cuda_device_description() {
  static const std::string description = kernels::cuda::device_description();
  return description.c_str();
}
}
