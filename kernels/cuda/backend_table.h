#pragma once
// The CUDA entry of kernels/backend.h's table (only built with CUDA).

#include "kernels/backend.h"

namespace kernels::cuda {

const Backend& backend_table();

}  // namespace kernels::cuda
