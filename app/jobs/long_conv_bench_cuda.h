#pragma once
// The long-convolution benchmark on the CUDA backend (bench_job.h routes
// `device = "cuda"` here). Each call is timed on the device with CUDA events
// after one untimed warm-up, which makes the cuFFT plans and fills the memory
// pool.

#include "app/jobs/bench_job.h"

namespace jobs {

// Throws std::runtime_error when no CUDA device can be used.
LongConvBenchResult run_long_conv_bench_cuda(const LongConvBenchConfig& config,
                                             const JobContext& context);

}  // namespace jobs
