#pragma once
// Whether this process can use a CUDA device, asked of the CUDA runtime.

#include <string>

namespace kernels::cuda {

// Number of CUDA devices. Zero, never an exception, when the machine has no
// GPU, no driver (libcuda absent) or a driver older than the runtime.
int device_count() noexcept;

// "NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB, 132 SMs)" for the current device,
// or "no CUDA device (<the runtime's reason>)".
std::string device_description();

}  // namespace kernels::cuda
