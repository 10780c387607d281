// The CUDA long convolution at the CPU benchmark's sizes (B = 8, H = 256, a
// full-length causal kernel, L from 256 to 16384) and at the size of the
// paper encoders (B = 32, H = 768, L = 8192), forward and forward+backward.
//
// Each iteration is timed on the device with CUDA events (manual time), after
// one untimed call that makes the cuFFT plans and fills the memory pool.
// `floor_GBps` is the effective bandwidth against the memory floor: reading u
// [B, L, H] and k [H, L] and writing y [B, L, H] once, in float32; the H100's
// HBM3 peak is about 3350 GB/s. Without a device every benchmark reports an
// error and skips.
//
//   build-cuda/tests/bench/bench_long_conv_cuda --benchmark_filter=Forward

#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/cuda/device.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/long_conv.h"

namespace {

using kernels::cuda::DeviceBuffer;
using kernels::cuda::LongConvShape;

DeviceBuffer random_buffer(int64_t count, float scale, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> host(static_cast<size_t>(count));
  for (auto& v : host)
    v = normal(rng);
  DeviceBuffer buffer(count);
  kernels::cuda::copy_to_device(host.data(), buffer.data(), count);
  return buffer;
}

// Args: B, H, L, then optionally Lk (0: L) and the algorithm (0 auto, 1 FFT,
// 2 direct).
void run(benchmark::State& state, bool backward) {
  if (kernels::cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const int64_t B = state.range(0), H = state.range(1), L = state.range(2);
  const int64_t Lk = state.range(3) > 0 ? state.range(3) : L;
  const auto algorithm = static_cast<kernels::cuda::LongConvAlgorithm>(state.range(4));
  const LongConvShape s{B, L, H, Lk, false};
  std::mt19937 rng(3);
  const DeviceBuffer u = random_buffer(s.signal_size(), 1.0f, rng);
  const DeviceBuffer dy = random_buffer(s.signal_size(), 1.0f, rng);
  const DeviceBuffer k = random_buffer(s.kernel_size(), 0.02f, rng);
  const DeviceBuffer d = random_buffer(s.channels, 1.0f, rng);
  DeviceBuffer y(s.signal_size());
  DeviceBuffer du(backward ? s.signal_size() : 0), dk(backward ? s.kernel_size() : 0),
      dd(backward ? s.channels : 0);
  auto call = [&] {
    kernels::cuda::long_conv_forward(s, u.data(), k.data(), d.data(), y.data(), algorithm);
    if (backward) {
      kernels::cuda::long_conv_backward(s, u.data(), k.data(), d.data(), dy.data(), du.data(),
                                        dk.data(), dd.data(), algorithm);
    }
  };
  call();
  kernels::cuda::synchronize();

  cudaEvent_t start = nullptr, stop = nullptr;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  double seconds = 0.0;
  for (auto _ : state) {
    cudaEventRecord(start, nullptr);
    call();
    cudaEventRecord(stop, nullptr);
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(ms * 1e-3);
    seconds += ms * 1e-3;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  const double floor_bytes = 4.0 * static_cast<double>(2 * s.signal_size() + s.kernel_size());
  state.counters["fft_n"] = static_cast<double>(kernels::cuda::long_conv_fft_size(s));
  state.counters["floor_GBps"] =
      seconds > 0.0 ? floor_bytes * static_cast<double>(state.iterations()) / seconds / 1e9 : 0.0;
}

void BM_LongConvCudaForward(benchmark::State& state) {
  run(state, false);
}
void BM_LongConvCudaForwardBackward(benchmark::State& state) {
  run(state, true);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int64_t L : {256, 1024, 4096, 16384})
    b->Args({8, 256, L, 0, 0});
  b->Args({32, 768, 8192, 0, 0});
  b->ArgNames({"B", "H", "L", "Lk", "algo"})->UseManualTime()->Unit(benchmark::kMillisecond);
}

// Short kernels on both paths, for the crossover: algo 1 = FFT, 2 = direct.
void short_kernels(benchmark::internal::Benchmark* b) {
  for (int64_t Lk : {4, 16, 32, 64})
    for (int64_t algorithm : {1, 2})
      b->Args({8, 256, 4096, Lk, algorithm});
  b->ArgNames({"B", "H", "L", "Lk", "algo"})->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_LongConvCudaForward)->Apply(sizes);
BENCHMARK(BM_LongConvCudaForwardBackward)->Apply(sizes);
BENCHMARK(BM_LongConvCudaForward)->Apply(short_kernels);
BENCHMARK(BM_LongConvCudaForwardBackward)->Apply(short_kernels);

}  // namespace

BENCHMARK_MAIN();
