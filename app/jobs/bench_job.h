#pragma once
// `neuroseq bench`: time a compute kernel at model sizes on this machine, to
// size jobs for a cluster node or compare builds. Only the long convolution
// for now.

#include <cstdint>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"

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
  std::string algorithm;  // what ran: fft or direct
  int64_t fft_size = 0;   // n of the FFT path
  int threads = 0;
  std::vector<double> times_ms;  // one per timed call, in call order
  double median_ms = 0.0;
  double min_ms = 0.0;
};

// Throws std::invalid_argument for a bad size or name, std::runtime_error for
// a device this build cannot run on.
LongConvBenchResult run_long_conv_bench(const LongConvBenchConfig& config,
                                        const JobContext& context);

// One line describing the run, e.g. for logs.
std::string describe(const LongConvBenchConfig& config, const LongConvBenchResult& result);

}  // namespace jobs
