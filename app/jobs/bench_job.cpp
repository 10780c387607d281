#include "app/jobs/bench_job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "app/jobs/long_conv_bench_cuda.h"
#include "kernels/cpu/long_conv.h"

namespace jobs {

namespace {

using kernels::cpu::LongConvAlgorithm;

LongConvAlgorithm parse_algorithm(const std::string& name) {
  if (name == "auto") return LongConvAlgorithm::kAuto;
  if (name == "fft") return LongConvAlgorithm::kFft;
  if (name == "direct") return LongConvAlgorithm::kDirect;
  throw std::invalid_argument("bench longconv: algorithm must be auto, fft or direct, got '" +
                              name + "'");
}

// Cheap deterministic fill in [-1, 1): the values do not matter for timing,
// only that they are finite and not all zero.
void fill(std::vector<float>& v, uint64_t seed, float scale) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& x : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    x = scale * (static_cast<float>(state >> 40) / static_cast<float>(1ull << 23) - 1.0f);
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

kernels::cpu::LongConvShape long_conv_bench_shape(const LongConvBenchConfig& config) {
  const int64_t lk = config.kernel_length > 0 ? config.kernel_length : config.length;
  if (config.batch < 1 || config.channels < 1 || config.length < 1 || lk > config.length) {
    throw std::invalid_argument(
        "bench longconv: batch, channels and length must be >= 1 and kernel-length <= length");
  }
  if (config.repeats < 1) throw std::invalid_argument("bench longconv: repeats must be >= 1");
  return {config.batch, config.length, config.channels, lk, config.bidirectional};
}

void finish_long_conv_bench(const kernels::cpu::LongConvShape& shape, LongConvBenchResult& result) {
  result.median_ms = median(result.times_ms);
  result.min_ms = *std::min_element(result.times_ms.begin(), result.times_ms.end());
  const double floor_bytes =
      4.0 * static_cast<double>(2 * shape.signal_size() + shape.kernel_size());
  result.floor_megabytes = floor_bytes / 1e6;
  result.effective_gigabytes_per_s = floor_bytes / (result.median_ms * 1e6);
}

LongConvBenchResult run_long_conv_bench(const LongConvBenchConfig& config,
                                        const JobContext& context) {
  if (config.device != "cpu" && config.device != "cuda") {
    throw std::invalid_argument("bench longconv: device must be cpu or cuda, got '" +
                                config.device + "'");
  }
  if (config.device == "cuda") return run_long_conv_bench_cuda(config, context);
  const kernels::cpu::LongConvShape shape = long_conv_bench_shape(config);
  const kernels::cpu::LongConvOptions options{parse_algorithm(config.algorithm), config.threads};

  std::vector<float> u(static_cast<size_t>(shape.signal_size()));  // [B, L, H]
  std::vector<float> dy(u.size()), y(u.size()), du(u.size());      // [B, L, H]
  std::vector<float> k(static_cast<size_t>(shape.kernel_size()));  // [H, (2,) Lk]
  std::vector<float> dk(k.size());
  std::vector<float> d(static_cast<size_t>(shape.channels)), dd(d.size());  // [H]
  fill(u, config.seed, 1.0f);
  fill(dy, config.seed + 1, 1.0f);
  fill(k, config.seed + 2, 1.0f / static_cast<float>(shape.kernel_length));
  fill(d, config.seed + 3, 1.0f);

  auto call = [&] {
    kernels::cpu::long_conv_forward(shape, u.data(), k.data(), d.data(), y.data(), options);
    if (config.backward) {
      kernels::cpu::long_conv_backward(shape, u.data(), k.data(), d.data(), dy.data(), du.data(),
                                       dk.data(), dd.data(), options);
    }
  };

  LongConvBenchResult result;
  result.device = config.device;
  LongConvAlgorithm ran = options.algorithm;
  if (ran == LongConvAlgorithm::kAuto) {
    ran = kernels::cpu::long_conv_choose_algorithm(shape, false);
  }
  auto name = [](LongConvAlgorithm a) { return a == LongConvAlgorithm::kFft ? "fft" : "direct"; };
  result.algorithm = name(ran);
  if (config.backward && options.algorithm == LongConvAlgorithm::kAuto) {
    const auto backward = kernels::cpu::long_conv_choose_algorithm(shape, true);
    if (backward != ran) {
      result.algorithm += std::string(" forward, ") + name(backward) + " backward";
    }
  }
  result.fft_size = kernels::cpu::long_conv_fft_size(shape);
  result.threads = config.threads > 0
                       ? config.threads
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // The warm-up plans the FFT size (FFTW measures candidate algorithms once).
  context.report(0.0, "planning");
  call();
  for (int i = 0; i < config.repeats; ++i) {
    context.check_cancel();
    const auto start = std::chrono::steady_clock::now();
    call();
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    result.times_ms.push_back(elapsed.count());
    context.report(static_cast<double>(i + 1) / config.repeats, "timing");
  }
  finish_long_conv_bench(shape, result);
  return result;
}

std::string describe(const LongConvBenchConfig& config, const LongConvBenchResult& result) {
  const int64_t lk = config.kernel_length > 0 ? config.kernel_length : config.length;
  std::string algorithm = result.algorithm;
  if (algorithm.find("fft") != std::string::npos) {
    algorithm += " (n=" + std::to_string(result.fft_size) + ")";
  }
  const std::string where =
      result.device == "cuda" ? result.device_name : std::to_string(result.threads) + " threads";
  char line[512];
  std::snprintf(line, sizeof(line),
                "longconv %s: B=%lld H=%lld L=%lld Lk=%lld %s, %s, %s, %s, %zu runs, min %.3f ms, "
                "%.1f GB/s effective (floor %.1f MB: u, k, y once)",
                result.device.c_str(), static_cast<long long>(config.batch),
                static_cast<long long>(config.channels), static_cast<long long>(config.length),
                static_cast<long long>(lk), config.bidirectional ? "bidirectional" : "causal",
                config.backward ? "forward+backward" : "forward", algorithm.c_str(), where.c_str(),
                result.times_ms.size(), result.min_ms, result.effective_gigabytes_per_s,
                result.floor_megabytes);
  return line;
}

}  // namespace jobs
