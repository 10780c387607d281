#include "app/jobs/long_conv_bench_cuda.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/backend.h"

namespace jobs {

namespace {

// Buffers in a backend's memory, freed with it.
class BackendBuffers {
 public:
  explicit BackendBuffers(const kernels::Backend& backend) : backend_(backend) {}
  ~BackendBuffers() {
    for (float* p : owned_)
      backend_.free(p);
  }
  BackendBuffers(const BackendBuffers&) = delete;
  BackendBuffers& operator=(const BackendBuffers&) = delete;

  // `count` values uniform in [-scale, scale): only their being finite and
  // non-zero matters for timing.
  float* random(int64_t count, float scale, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> host(static_cast<size_t>(count));
    for (auto& v : host)
      v = dist(rng);
    float* p = empty(count);
    backend_.upload(host.data(), p, count);
    return p;
  }
  float* empty(int64_t count) {
    owned_.push_back(backend_.alloc(count));
    return owned_.back();
  }

 private:
  const kernels::Backend& backend_;
  std::vector<float*> owned_;
};

}  // namespace

LongConvBenchResult run_long_conv_bench_cuda(const LongConvBenchConfig& config,
                                             const JobContext& context) {
  const kernels::Backend* cuda = kernels::cuda_backend();
  if (!cuda) throw std::runtime_error("bench longconv: --device cuda: no CUDA device found");
  if (config.algorithm != "auto") {
    throw std::invalid_argument(
        "bench longconv: --algorithm applies to --device cpu; on CUDA the path follows the "
        "kernel length (direct up to 64 taps per side)");
  }
  const kernels::cpu::LongConvShape shape = long_conv_bench_shape(config);
  std::mt19937 rng(static_cast<uint32_t>(config.seed));
  BackendBuffers buffers(*cuda);
  const float* u = buffers.random(shape.signal_size(), 1.0f, rng);  // [B, L, H]
  const float* dy = buffers.random(shape.signal_size(), 1.0f, rng);
  const float* k =
      buffers.random(shape.kernel_size(), 1.0f / static_cast<float>(shape.kernel_length), rng);
  const float* d = buffers.random(shape.channels, 1.0f, rng);  // [H]
  float* y = buffers.empty(shape.signal_size());
  float *du = nullptr, *dk = nullptr, *dd = nullptr;
  if (config.backward) {
    du = buffers.empty(shape.signal_size());
    dk = buffers.empty(shape.kernel_size());
    dd = buffers.empty(shape.channels);
  }

  LongConvBenchResult result;
  result.device = "cuda";
  result.device_name = kernels::cuda_device_description();
  result.algorithm =
      cuda->long_conv_choose_algorithm(shape, false) == kernels::cpu::LongConvAlgorithm::kDirect
          ? "direct"
          : "fft";
  result.fft_size = cuda->long_conv_fft_size(shape);
  context.report(0.0, "timing");
  result.times_ms = cuda->time_calls_ms(
      [&] {
        context.check_cancel();
        cuda->long_conv_forward(shape, u, k, d, y);
        if (config.backward) cuda->long_conv_backward(shape, u, k, d, dy, du, dk, dd);
      },
      1, config.repeats);
  context.report(1.0, "timing");
  finish_long_conv_bench(shape, result);
  return result;
}

}  // namespace jobs
