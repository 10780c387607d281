#pragma once
// Pieces shared by the parts of the CPU long convolution (long_conv.cpp:
// checks, dispatch, direct path; long_conv_fft.cpp: FFT path;
// long_conv_rows.cpp: moving channel blocks). Not part of the kernels API.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/long_conv.h"
#include "kernels/cpu/thread_pool.h"

namespace kernels::cpu::long_conv_internal {

inline size_t idx(int64_t i) {
  return static_cast<size_t>(i);
}

// The shared pool (thread_pool.h): callers make each task's result
// independent of which worker runs it, so the output does not depend on the
// thread count.
using cpu::parallel_for;

// ---------------------------------------------------------------------------
// Channel blocks (long_conv_rows.cpp). Both algorithms work on blocks of up
// to 16 channels (one cache line of [B, L, H] per time step), moved into
// contiguous rows where channels h0 + 2q and h0 + 2q + 1 are interleaved as
// the real and imaginary parts of row q: the layout of the FFT path's
// channel-pair transforms. Pairs (0, 1), (2, 3), ... are fixed by H alone.

constexpr int64_t kBlock = 16;

struct Block {
  int64_t h0, hb;  // channels [h0, h0 + hb); h0 is even
  int64_t pairs() const { return (hb + 1) / 2; }
};

// Blocks covering [0, H), laid out for the alignment of x.
std::vector<Block> channel_blocks(int64_t H, const float* x);

struct PairRows {
  int64_t stride;  // floats between rows, a multiple of 16
  float* data;
  float* pair(int64_t q) const { return data + q * stride; }
};

// rows.pair(q)[2t + c] = x[b, t, h0 + 2q + c] for t < L (0 for a missing
// partner); the rows' padding past 2L is left alone.
void gather(const float* x, const LongConvShape& s, int64_t b, Block blk, PairRows rows);
// out[b, t, h0 + j] = rows.pair(j / 2)[2t + j % 2] for t < L.
void scatter(PairRows rows, const LongConvShape& s, int64_t b, Block blk, float* out);
// Zeroes values [from, n) of every pair row.
void zero_padding(PairRows rows, Block blk, int64_t from, int64_t n);
// sums[c] += sum_t lhs[t] rhs[t - m] for both channels c of a pair row (t
// and t - m inside [0, L)), in a fixed order.
void lag_products(const float* lhs, const float* rhs, int64_t L, int64_t m, double* sums);

// The FFT path (long_conv_fft.cpp), on checked shapes with B, H >= 1.

// Relative time of a complex FFT of size n on FFTW: n log2 n scaled by its
// measured speed per point (powers of two up to 4096 are faster, other sizes
// below 4096 slower). The FFT size is the candidate >= L + Lk that minimises
// it, and the choice of algorithm weighs it against the direct path.
double fft_cost(int64_t n);
void fft_forward(const LongConvShape& s, const float* u, const float* k, const float* d, float* y,
                 int threads);
// du, dk and dd may be null.
void fft_backward(const LongConvShape& s, const float* u, const float* k, const float* d,
                  const float* dy, float* du, float* dk, float* dd, int threads);

}  // namespace kernels::cpu::long_conv_internal
