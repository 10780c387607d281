#pragma once
// Long convolution along time, one kernel per channel, on raw float buffers:
// the mixing step of long-convolution, S4D and Hyena encoders.
//
// Layouts (row-major, contiguous):
//   u, y, dy, du : [B, L, H]   batch, time, channels
//   k, dk        : [H, Lk]     causal kernel, k[h, s] is the weight of lag s
//                  [H, 2, Lk]  bidirectional: k[h, 0, :] forward half, k[h, 1, :] backward half
//   D, dD        : [H]         skip (feed-through) weight
//
// Causal:
//   y[b,t,h] = sum_{0<=s<Lk, s<=t} k[h,0,s] u[b,t-s,h] + D[h] u[b,t,h]
// Bidirectional adds a strictly anticausal part whose lag-s tap looks s+1
// steps ahead, so that no lag is counted twice (the same split as the
// bidirectional kernels of the state-spaces S4 code: causal half padded on the
// right plus the flipped backward half padded on the left):
//   y[b,t,h] += sum_{0<=s<Lk, t+1+s<L} k[h,1,s] u[b,t+1+s,h]
//
// Two algorithms compute the same thing:
//   - FFT: zero-padded FFTs (FFTW, single precision) of a size n >= L + Lk,
//     so the circular product never wraps; n is a power of two or a
//     2^a 3^b 5^c (a >= 4), by a fixed rule fitted to FFTW's speed per size.
//     Two channels share one complex transform. The kernel spectra are
//     computed once per call and reused over the batch. Cost ~ B H n log n.
//   - Direct: the sums above in the time domain, vectorised. Cost ~ B H L Lk.
// kAuto picks by a cost model (long_conv_choose_algorithm); long_conv.cpp
// has the fitted constants and the measured crossover (the direct path wins
// below Lk of about 45-60 forward and 28-35 backward, for L from 1024 to
// 16384).
//
// Threads split the work over blocks of channels, or over batch and time for
// the direct forward and du, and never share a reduction: each output
// element, including every element of dk and dD (summed over the batch in
// increasing b), is computed by one thread in a fixed order, so results are
// bit-identical for any thread count. On the FFT path a channel's rounding
// depends on the other channel of its pair (2i, 2i + 1) in the same sample,
// never on another sample, and a NaN or inf in one of the two reaches both.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kernels::cpu {

struct LongConvShape {
  int64_t batch = 0;          // B
  int64_t length = 0;         // L, >= 1
  int64_t channels = 0;       // H
  int64_t kernel_length = 0;  // Lk, 1 <= Lk <= L
  bool bidirectional = false;

  // Number of floats in k (and dk): H * Lk, twice that when bidirectional.
  int64_t kernel_size() const { return channels * kernel_length * (bidirectional ? 2 : 1); }
  // Number of floats in u, y, dy, du: B * L * H.
  int64_t signal_size() const { return batch * length * channels; }
};

// Throws std::invalid_argument("<op>: ...") for a shape outside the ranges
// above or a missing buffer. Inline: every backend checks the same way, and
// the CUDA module does not link the CPU kernels.
inline void check_long_conv_shape(const LongConvShape& s, bool ok_pointers, const char* op) {
  auto fail = [op](const std::string& what) {
    throw std::invalid_argument(std::string(op) + ": " + what);
  };
  if (s.batch < 0 || s.channels < 0) fail("batch and channels must be >= 0");
  if (s.length < 1) fail("length must be >= 1, got " + std::to_string(s.length));
  if (s.kernel_length < 1 || s.kernel_length > s.length) {
    fail("kernel_length must be in [1, length=" + std::to_string(s.length) + "], got " +
         std::to_string(s.kernel_length));
  }
  if (!ok_pointers) fail("a required buffer is null");
}

enum class LongConvAlgorithm { kAuto, kFft, kDirect };

struct LongConvOptions {
  LongConvAlgorithm algorithm = LongConvAlgorithm::kAuto;
  // Worker threads including the caller; 0 means std::thread::hardware_concurrency().
  int threads = 0;
};

// y = conv(k, u) + D u. `d` may be null (no skip term). Throws
// std::invalid_argument on a bad shape or a null required buffer.
void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y, const LongConvOptions& options = {});

// Gradients of sum(dy * y) for the forward above:
//   du[b,t,h] = sum_s k[h,0,s] dy[b,t+s,h] (+ sum_s k[h,1,s] dy[b,t-1-s,h]) + D[h] dy[b,t,h]
//   dk[h,0,s] = sum_b sum_t dy[b,t,h] u[b,t-s,h]   (dk[h,1,s]: u[b,t+1+s,h])
//   dD[h]     = sum_b sum_t dy[b,t,h] u[b,t,h]
// Outputs are overwritten, not accumulated. Any of du, dk, dd may be null to
// skip it; `d` may be null (then du has no skip term).
void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd,
                        const LongConvOptions& options = {});

// What kAuto runs for this shape (kFft or kDirect), for the forward pass or
// for the backward pass.
LongConvAlgorithm long_conv_choose_algorithm(const LongConvShape& shape, bool backward);

// The FFT size n the FFT path uses for this shape.
int64_t long_conv_fft_size(const LongConvShape& shape);

// How FFTW plans new sizes. kMeasure (the default) times candidate algorithms
// once per size, which costs 0.3 s (n = 512) to 2 s (n = 32768) on the first
// call of a size and gives the fastest transforms; kEstimate plans instantly from a
// heuristic. Plans already made are kept. If the environment variable
// NEUROSEQ_FFTW_WISDOM names a file, FFTW wisdom is read from it before the
// first plan and written back (atomically) after each new plan, so measured
// plans survive across processes. FFTW's planner is not thread-safe: these
// kernels serialise their own planning, but other code in the process that
// plans with FFTW must not do so during a first call on a new size.
enum class FftPlanning { kEstimate, kMeasure };
void set_fft_planning(FftPlanning planning);

}  // namespace kernels::cpu
