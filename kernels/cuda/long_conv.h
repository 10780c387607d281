#pragma once
// The long convolution on CUDA device buffers: the twin of
// kernels/cpu/long_conv.h, with the same shapes, layouts and definitions
// (read them there). Every pointer is a device pointer; calls are queued on
// the default stream.
//
// Two algorithms, as on the CPU. Kernels of up to 64 taps per side take the
// direct path (long_conv_direct.h), which reads and writes [B, L, H] once and
// beats the FFT path by 3.5x (64 taps) to 9x (4 taps) on an H100 at B = 8,
// H = 256, L = 4096. Longer kernels take batched real FFTs (cuFFT, out of
// place) of a size n >= L + Lk, so that neither the causal nor the anticausal
// half of the kernel wraps around. The time axis of [B, L, H] is moved into
// zero-padded rows [B, H, n] by a tiled transpose, the spectra are multiplied
// by the kernel spectra (computed once per call) in one kernel, and the
// inverse transform is moved back with the skip term D u added. Batches are
// processed in chunks of at most 1 GiB of rows per buffer. Results equal the
// CPU's to float32 rounding.

#include <cstdint>

#include "kernels/cpu/long_conv.h"

namespace kernels::cuda {

using cpu::LongConvAlgorithm;
using cpu::LongConvShape;

// What kAuto runs for this shape: kDirect for Lk <= 64, kFft otherwise (the
// same for the forward and the backward pass).
LongConvAlgorithm long_conv_choose_algorithm(const LongConvShape& shape, bool backward);

// The FFT size n: the smallest of 2^a, 3 * 2^a and 5 * 2^a (a >= 1) that is
// >= L + Lk.
int64_t long_conv_fft_size(const LongConvShape& shape);

// y = conv(k, u) + D u. `d` may be null (no skip term). Throws
// std::invalid_argument on a bad shape or a null required buffer,
// std::runtime_error on a CUDA or cuFFT failure.
void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y);
// The same with the algorithm named; kDirect throws std::invalid_argument
// for Lk > 64.
void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y, LongConvAlgorithm algorithm);

// du, dk and dD as kernels::cpu::long_conv_backward defines them; any of
// them may be null to skip it, `d` may be null.
void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd);
void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd,
                        LongConvAlgorithm algorithm);

}  // namespace kernels::cuda
