// The long-convolution benchmark job behind `neuroseq bench longconv` and the
// desktop application's bench: the memory floor and bandwidth it reports, the
// algorithm it names, its checks, and the CUDA route with or without a
// device.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "app/jobs/bench_job.h"
#include "kernels/backend.h"

namespace {

jobs::LongConvBenchConfig small_config() {
  jobs::LongConvBenchConfig c;
  c.batch = 2;
  c.channels = 5;
  c.length = 300;
  c.repeats = 3;
  c.threads = 1;
  return c;
}

TEST(LongConvBench, ReportsTheMemoryFloorAndTheBandwidthOverTheMedian) {
  auto c = small_config();
  c.kernel_length = 100;
  c.bidirectional = true;
  const auto r = jobs::run_long_conv_bench(c, jobs::JobContext{});
  ASSERT_EQ(r.times_ms.size(), 3u);
  // u and y: 2 * B L H floats; k: H * 2 * Lk floats; 4 bytes each.
  const double floor_bytes = 4.0 * (2.0 * 2 * 300 * 5 + 5 * 2 * 100);
  EXPECT_DOUBLE_EQ(r.floor_megabytes, floor_bytes / 1e6);
  EXPECT_NEAR(r.effective_gigabytes_per_s, floor_bytes / (r.median_ms * 1e6), 1e-9);
  EXPECT_LE(r.min_ms, r.median_ms);
  EXPECT_EQ(r.threads, 1);
  const std::string line = jobs::describe(c, r);
  EXPECT_NE(line.find("longconv cpu: B=2 H=5 L=300 Lk=100 bidirectional, forward"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("1 threads"), std::string::npos) << line;
}

TEST(LongConvBench, NamesTheAlgorithmTheCostModelChose) {
  auto c = small_config();
  c.kernel_length = 3;
  EXPECT_EQ(jobs::run_long_conv_bench(c, jobs::JobContext{}).algorithm, "direct");
  c.algorithm = "fft";
  const auto forced = jobs::run_long_conv_bench(c, jobs::JobContext{});
  EXPECT_EQ(forced.algorithm, "fft");
  EXPECT_EQ(forced.fft_size, kernels::cpu::long_conv_fft_size({2, 300, 5, 3, false}));
}

TEST(LongConvBench, RejectsSizesOutOfRange) {
  auto c = small_config();
  c.kernel_length = 301;
  EXPECT_THROW(jobs::run_long_conv_bench(c, jobs::JobContext{}), std::invalid_argument);
  c = small_config();
  c.repeats = 0;
  EXPECT_THROW(jobs::run_long_conv_bench(c, jobs::JobContext{}), std::invalid_argument);
  c = small_config();
  c.device = "tpu";
  EXPECT_THROW(jobs::run_long_conv_bench(c, jobs::JobContext{}), std::invalid_argument);
}

TEST(LongConvBench, RunsOnCudaOrSaysThereIsNoDevice) {
  auto c = small_config();
  c.device = "cuda";
  c.kernel_length = 3;
  if (!kernels::cuda_available()) {
    try {
      jobs::run_long_conv_bench(c, jobs::JobContext{});
      ADD_FAILURE() << "no error without a CUDA device";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "bench longconv: --device cuda: no CUDA device found");
    }
    return;
  }
  const auto r = jobs::run_long_conv_bench(c, jobs::JobContext{});
  EXPECT_EQ(r.device, "cuda");
  EXPECT_EQ(r.algorithm, "direct");
  EXPECT_FALSE(r.device_name.empty());
  EXPECT_EQ(r.times_ms.size(), 3u);
  c.kernel_length = 0;
  EXPECT_EQ(jobs::run_long_conv_bench(c, jobs::JobContext{}).algorithm, "fft");
  c.algorithm = "direct";
  EXPECT_THROW(jobs::run_long_conv_bench(c, jobs::JobContext{}), std::invalid_argument);
}

}  // namespace
