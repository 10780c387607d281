#include "kernels/backend.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/linalg.h"
#include "kernels/cpu/norms.h"
#include "kernels/cpu/reduce.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

namespace kernels {

namespace {

size_t floats(int64_t count) {
  return static_cast<size_t>(std::max<int64_t>(count, 0));
}

float* host_alloc(int64_t count) {
  return count > 0 ? new float[floats(count)] : nullptr;
}

void host_free(float* buffer) {
  delete[] buffer;
}

void host_copy(const float* from, float* to, int64_t count) {
  if (count > 0) std::memmove(to, from, floats(count) * sizeof(float));
}

void host_fill(float* buffer, float value, int64_t count) {
  std::fill(buffer, buffer + floats(count), value);
}

std::vector<double> host_time_calls_ms(const std::function<void()>& call, int warmup, int repeats) {
  for (int i = 0; i < warmup; ++i)
    call();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    call();
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    times.push_back(elapsed.count());
  }
  return times;
}

const Backend kCpu{
    .name = "cpu",
    .alloc = host_alloc,
    .free = host_free,
    .upload = host_copy,
    .download = host_copy,
    .copy = host_copy,
    .fill = host_fill,
    .synchronize = [] {},
    .time_calls_ms = host_time_calls_ms,
    .long_conv_fft_size = cpu::long_conv_fft_size,
    .long_conv_choose_algorithm = cpu::long_conv_choose_algorithm,
    .long_conv_forward = [](const cpu::LongConvShape& s, const float* u, const float* k,
                            const float* d, float* y) { cpu::long_conv_forward(s, u, k, d, y); },
    .long_conv_backward = [](const cpu::LongConvShape& s, const float* u, const float* k,
                             const float* d, const float* dy, float* du, float* dk,
                             float* dd) { cpu::long_conv_backward(s, u, k, d, dy, du, dk, dd); },
    .gemm =
        static_cast<void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                             const float*, int64_t, float, float*, int64_t)>(cpu::gemm),
    .gelu_forward = cpu::gelu_forward,
    .gelu_backward = cpu::gelu_backward,
    .silu_forward = cpu::silu_forward,
    .silu_backward = cpu::silu_backward,
    .add = cpu::add,
    .mul = cpu::mul,
    .scale = cpu::scale,
    .axpy = cpu::axpy,
    .add_row = cpu::add_row,
    .layer_norm_forward = cpu::layer_norm_forward,
    .layer_norm_backward = cpu::layer_norm_backward,
    .softmax_forward = cpu::softmax_forward,
    .softmax_backward = cpu::softmax_backward,
    .sum_axis = cpu::sum_axis,
    .mean_axis = cpu::mean_axis,
    .broadcast_axis = cpu::broadcast_axis,
    .sum = cpu::sum,
    .adamw_update = cpu::adamw_update,
};

// The CUDA backend lives in a module loaded on first use (kernels/cuda/module.cpp).
struct CudaModule {
  const Backend* backend = nullptr;
  std::string description = "no CUDA backend in this build";
};

#ifdef NEUROSEQ_CUDA_MODULE
std::filesystem::path executable_folder() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

// Where the module may be: $NEUROSEQ_CUDA_MODULE, beside the executable, in
// ../lib/neuroseq of an installed tree, and where this build put it.
std::vector<std::string> module_candidates() {
  std::vector<std::string> paths;
  if (const char* chosen = std::getenv("NEUROSEQ_CUDA_MODULE")) paths.emplace_back(chosen);
  const auto folder = executable_folder();
  if (!folder.empty()) {
    paths.push_back((folder / "libneuroseq_cuda.so").string());
    paths.push_back((folder.parent_path() / "lib" / "neuroseq" / "libneuroseq_cuda.so").string());
  }
  paths.emplace_back(NEUROSEQ_CUDA_MODULE);
  return paths;
}
#endif

const CudaModule& cuda_module() {
  static CudaModule module;
  static std::once_flag loaded;
  std::call_once(loaded, [] {
#ifdef NEUROSEQ_CUDA_MODULE
    std::string reason = "no CUDA module found";
    for (const auto& path : module_candidates()) {
      if (!std::filesystem::exists(path)) continue;
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        // The CUDA runtime or libraries are missing on this machine.
        reason = dlerror();
        continue;
      }
      using BackendEntry = const Backend* (*)();
      using DescriptionEntry = const char* (*)();
      const auto backend = reinterpret_cast<BackendEntry>(dlsym(handle, "neuroseq_cuda_backend"));
      const auto description =
          reinterpret_cast<DescriptionEntry>(dlsym(handle, "neuroseq_cuda_device_description"));
      if (!backend || !description) {
        reason = path + ": not a NeuroSeq CUDA module";
        continue;
      }
      module.backend = backend();
      module.description = description();
      return;
    }
    module.description = "no CUDA device (" + reason + ")";
#endif
  });
  return module;
}

}  // namespace

const Backend& cpu_backend() {
  return kCpu;
}

const Backend* cuda_backend() {
  return cuda_module().backend;
}

bool cuda_available() {
  return cuda_backend() != nullptr;
}

std::string cuda_device_description() {
  return cuda_module().description;
}

std::vector<const Backend*> available_backends() {
  std::vector<const Backend*> backends{&kCpu};
  if (const Backend* cuda = cuda_backend()) backends.push_back(cuda);
  return backends;
}

}  // namespace kernels
