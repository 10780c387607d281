#pragma once
// The AdamW update on CUDA device buffers: the twin of kernels/cpu/adamw.h,
// with the same order of operations and the scalars formed on the host in
// double as there, so results match the CPU's to float32 rounding.

#include <cstdint>

#include "kernels/cpu/adamw.h"

namespace kernels::cuda {

using cpu::AdamWHyper;

void adamw_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n,
                  const AdamWHyper& hyper);

}  // namespace kernels::cuda
