#include "kernels/cuda/backend_table.h"

#include <cuda_runtime_api.h>

#include "kernels/cuda/adamw.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/linalg.h"
#include "kernels/cuda/long_conv.h"
#include "kernels/cuda/norms.h"
#include "kernels/cuda/reduce.h"

namespace kernels::cuda {

namespace {

// Events bracket each call on the default stream, so the times are the
// device's, not the host's (launches return before the work is done).
std::vector<double> time_calls_ms(const std::function<void()>& call, int warmup, int repeats) {
  struct Events {
    cudaEvent_t start = nullptr, stop = nullptr;
    Events() {
      detail::check(cudaEventCreate(&start), "timing: cudaEventCreate");
      detail::check(cudaEventCreate(&stop), "timing: cudaEventCreate");
    }
    ~Events() {
      cudaEventDestroy(start);
      cudaEventDestroy(stop);
    }
  } events;
  for (int i = 0; i < warmup; ++i)
    call();
  synchronize();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    detail::check(cudaEventRecord(events.start, nullptr), "timing: cudaEventRecord");
    call();
    detail::check(cudaEventRecord(events.stop, nullptr), "timing: cudaEventRecord");
    detail::check(cudaEventSynchronize(events.stop), "timing: cudaEventSynchronize");
    float ms = 0.0f;
    detail::check(cudaEventElapsedTime(&ms, events.start, events.stop), "timing: elapsed time");
    times.push_back(ms);
  }
  return times;
}

const Backend kCuda{
    .name = "cuda",
    .alloc = device_alloc,
    .free = [](float* buffer) { device_free(buffer); },
    .upload = copy_to_device,
    .download = copy_to_host,
    .copy = copy_on_device,
    .fill = device_fill,
    .synchronize = synchronize,
    .time_calls_ms = time_calls_ms,
    .long_conv_fft_size = long_conv_fft_size,
    .long_conv_choose_algorithm = long_conv_choose_algorithm,
    .long_conv_forward = static_cast<void (*)(const LongConvShape&, const float*, const float*,
                                              const float*, float*)>(long_conv_forward),
    .long_conv_backward =
        static_cast<void (*)(const LongConvShape&, const float*, const float*, const float*,
                             const float*, float*, float*, float*)>(long_conv_backward),
    .gemm = static_cast<void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*,
                                 int64_t, const float*, int64_t, float, float*, int64_t)>(gemm),
    .gelu_forward = gelu_forward,
    .gelu_backward = gelu_backward,
    .silu_forward = silu_forward,
    .silu_backward = silu_backward,
    .add = add,
    .mul = mul,
    .scale = scale,
    .axpy = axpy,
    .add_row = add_row,
    .layer_norm_forward = layer_norm_forward,
    .layer_norm_backward = layer_norm_backward,
    .softmax_forward = softmax_forward,
    .softmax_backward = softmax_backward,
    .sum_axis = sum_axis,
    .mean_axis = mean_axis,
    .broadcast_axis = broadcast_axis,
    .sum = sum,
    .adamw_update = adamw_update,
};

}  // namespace

const Backend& backend_table() {
  return kCuda;
}

}  // namespace kernels::cuda
