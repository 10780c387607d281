#pragma once
// The compute backends behind one table of function pointers, so that code
// outside kernels/ picks one at run time (no device: the CPU) and never needs
// to know whether this build has CUDA.
//
// Each backend's ops have the names and definitions of kernels/cpu (read them
// there) and take pointers into that backend's memory: host memory for the
// CPU, device memory for CUDA. On CUDA, ops and copies are queued on the
// default stream in call order; a copy to the host waits for the ops before
// it.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/cpu/adamw.h"
#include "kernels/cpu/long_conv.h"

namespace kernels {

struct Backend {
  const char* name;  // "cpu" or "cuda"

  // Memory: buffers of floats. alloc leaves the values uninitialised and
  // returns nullptr for 0 floats; free accepts nullptr.
  float* (*alloc)(int64_t count);
  void (*free)(float* buffer);
  void (*upload)(const float* host, float* buffer, int64_t count);
  void (*download)(const float* buffer, float* host, int64_t count);
  void (*copy)(const float* from, float* to, int64_t count);
  void (*fill)(float* buffer, float value, int64_t count);
  // Waits until every queued op has finished; reports a fault of one of them.
  void (*synchronize)();
  // Milliseconds taken by each of `repeats` calls of `call`, after `warmup`
  // untimed calls: CUDA events around each call on the device, a steady clock
  // on the CPU.
  std::vector<double> (*time_calls_ms)(const std::function<void()>& call, int warmup, int repeats);

  // Long convolution (the FFT size n this backend's FFT path would use).
  int64_t (*long_conv_fft_size)(const cpu::LongConvShape& shape);
  // What the long convolution runs for this shape (kFft or kDirect).
  cpu::LongConvAlgorithm (*long_conv_choose_algorithm)(const cpu::LongConvShape& shape,
                                                       bool backward);
  void (*long_conv_forward)(const cpu::LongConvShape& shape, const float* u, const float* k,
                            const float* d, float* y);
  void (*long_conv_backward)(const cpu::LongConvShape& shape, const float* u, const float* k,
                             const float* d, const float* dy, float* du, float* dk, float* dd);
  // GEMM, row-major, with leading dimensions.
  void (*gemm)(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc);
  // Elementwise.
  void (*gelu_forward)(const float* x, float* y, int64_t n);
  void (*gelu_backward)(const float* x, const float* dy, float* dx, int64_t n);
  void (*silu_forward)(const float* x, float* y, int64_t n);
  void (*silu_backward)(const float* x, const float* dy, float* dx, int64_t n);
  void (*add)(const float* a, const float* b, float* out, int64_t n);
  void (*mul)(const float* a, const float* b, float* out, int64_t n);
  void (*scale)(const float* x, float alpha, float* out, int64_t n);
  void (*axpy)(float alpha, const float* x, float* y, int64_t n);
  void (*add_row)(const float* row, float* y, int64_t rows, int64_t cols);
  // Norms.
  void (*layer_norm_forward)(const float* x, const float* gamma, const float* beta, int64_t rows,
                             int64_t cols, float eps, float* y, float* mean, float* rstd);
  void (*layer_norm_backward)(const float* x, const float* gamma, const float* mean,
                              const float* rstd, const float* dy, int64_t rows, int64_t cols,
                              float* dx, float* dgamma, float* dbeta);
  void (*softmax_forward)(const float* x, int64_t rows, int64_t cols, float* y);
  void (*softmax_backward)(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx);
  // Reductions.
  void (*sum_axis)(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
  void (*mean_axis)(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
  void (*broadcast_axis)(const float* x, int64_t outer, int64_t n, int64_t inner, float alpha,
                         float* out);
  double (*sum)(const float* x, int64_t n);
  // Optimiser.
  void (*adamw_update)(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                       int64_t n, const cpu::AdamWHyper& hyper);
};

const Backend& cpu_backend();

// The CUDA backend, or nullptr when this build has none or the machine has no
// usable CUDA device (no GPU, no driver): never an exception.
const Backend* cuda_backend();
bool cuda_available();

// A short description of the CUDA device for logs: its name, compute
// capability, memory and SM count; "no CUDA device (<reason>)"; or "no CUDA
// backend in this build".
std::string cuda_device_description();

// The backends this process can use, the CPU first.
std::vector<const Backend*> available_backends();

}  // namespace kernels
