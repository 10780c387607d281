#pragma once
// The direct (time-domain) long convolution on CUDA, for short kernels: the
// sums of kernels/cpu/long_conv.h computed tap by tap on [B, L, H] in place,
// without padding, transposes or FFTs. Each block stages a tile of 128 times
// by 32 channels (with the kernel's reach on both sides) and the channel's
// taps in shared memory; its threads then sweep the taps. dk is summed per
// tile and the tiles' partial sums are added in double in a fixed order, so
// results are repeatable run to run.

#include <cstdint>

#include "kernels/cpu/long_conv.h"

namespace kernels::cuda::detail {

// The longest kernel half (Lk) the direct kernels take.
constexpr int64_t kDirectMaxKernelLength = 64;

// y = conv(k, u) + D u (d may be null). Lk <= kDirectMaxKernelLength.
void long_conv_direct_forward(const cpu::LongConvShape& shape, const float* u, const float* k,
                              const float* d, float* y);

// du and dk as in kernels/cpu/long_conv.h; either may be null. dD is not
// computed here (the caller sums it on either path).
void long_conv_direct_backward(const cpu::LongConvShape& shape, const float* u, const float* k,
                               const float* d, const float* dy, float* du, float* dk);

}  // namespace kernels::cuda::detail
