#pragma once
// `neuroseq bench`: time a compute kernel at model sizes on this machine, to
// size jobs for a cluster node or compare builds. Only the long convolution
// for now.

#include <cstdint>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "kernels/cpu/long_conv.h"

namespace jobs {

struct LongConvBenchConfig {
  int64_t batch = 8;
  int64_t channels = 256;
  int64_t length = 4096;
  int64_t kernel_length = 0;  // 0: the full length
  bool bidirectional = false;
  bool backward = false;  // time forward + backward instead of forward alone
  std::string device = "cpu";
  std::string algorithm = "auto";  // auto, fft or direct
  int threads = 0;                 // 0: all hardware threads
  int repeats = 15;                // timed calls, after one untimed warm-up
  uint64_t seed = 1;
};

struct LongConvBenchResult {
  std::string device;
  std::string device_name;       // CUDA: the GPU, its architecture and memory
  std::string algorithm;         // what ran: fft or direct
  int64_t fft_size = 0;          // n of the FFT path
  int threads = 0;               // CPU worker threads
  std::vector<double> times_ms;  // one per timed call, in call order
  double median_ms = 0.0;
  double min_ms = 0.0;
  // The memory floor: reading u [B, L, H] and k [H, (2,) Lk] and writing
  // y [B, L, H] once, in float32; and that many bytes over the median time.
  double floor_megabytes = 0.0;
  double effective_gigabytes_per_s = 0.0;
};

// Throws std::invalid_argument for a bad size or name, std::runtime_error for
// a device this machine cannot run on.
LongConvBenchResult run_long_conv_bench(const LongConvBenchConfig& config,
                                        const JobContext& context);

// The shape a config asks for (Lk = L when kernel_length is 0); throws
// std::invalid_argument for sizes out of range.
kernels::cpu::LongConvShape long_conv_bench_shape(const LongConvBenchConfig& config);

// Fills the median, minimum, floor and bandwidth of a result from its times.
void finish_long_conv_bench(const kernels::cpu::LongConvShape& shape, LongConvBenchResult& result);

// One line describing the run, e.g. for logs.
std::string describe(const LongConvBenchConfig& config, const LongConvBenchResult& result);

}  // namespace jobs
