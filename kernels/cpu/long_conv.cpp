// The CPU long convolution: argument checks, the choice of algorithm and the
// direct (time-domain) path. The FFT path is in long_conv_fft.cpp, the moving
// of channel blocks both paths share in long_conv_rows.cpp.

#include "kernels/cpu/long_conv.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cpu/long_conv_internal.h"

namespace kernels::cpu {

namespace {

using long_conv_internal::idx;
using long_conv_internal::parallel_for;

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return hardware_threads();
}

// ---------------------------------------------------------------------------
// Direct path.
//
// Both the forward and du are
//   out[t] = D x[t] + sum_s P[s] x[t - s - p0] + sum_s Q[s] x[t + s + q0]
// with taps P, Q transposed to [Lk, H] so the innermost loop runs over
// contiguous channels:
//   forward: x = u,  P = k_fwd (p0 = 0), Q = k_bwd (q0 = 1)
//   du:      x = dy, P = k_bwd (p0 = 1), Q = k_fwd (q0 = 0)

constexpr int64_t kDirectTimeChunk = 64;

std::vector<float> transpose_taps(const float* k, const LongConvShape& s, int64_t half) {
  const int64_t Lk = s.kernel_length, H = s.channels;
  const int64_t per_channel = s.bidirectional ? 2 * Lk : Lk;
  std::vector<float> t(idx(Lk * H));  // [Lk, H]
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t i = 0; i < Lk; ++i)
      t[idx(i * H + h)] = k[h * per_channel + half * Lk + i];
  }
  return t;
}

// row[h] += sum_{i < count} taps[i][h] x[first + i * step][h]. Four taps per
// pass: one load and store of `row` per four products.
__attribute__((target_clones("avx512f", "avx2", "default"))) void add_taps(
    float* __restrict row, const float* __restrict taps, const float* __restrict x, int64_t first,
    int64_t step, int64_t count, int64_t H) {
  int64_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const float *k0 = taps + i * H, *k1 = k0 + H, *k2 = k1 + H, *k3 = k2 + H;
    const float* x0 = x + (first + i * step) * H;
    const float *x1 = x0 + step * H, *x2 = x1 + step * H, *x3 = x2 + step * H;
    for (int64_t h = 0; h < H; ++h)
      row[h] += (k0[h] * x0[h] + k1[h] * x1[h]) + (k2[h] * x2[h] + k3[h] * x3[h]);
  }
  for (; i < count; ++i) {
    const float* k0 = taps + i * H;
    const float* x0 = x + (first + i * step) * H;
    for (int64_t h = 0; h < H; ++h)
      row[h] += k0[h] * x0[h];
  }
}

void direct_apply(const LongConvShape& s, const float* x, const float* d, const float* behind,
                  int64_t p0, const float* ahead, int64_t q0, float* out, int threads) {
  const int64_t L = s.length, H = s.channels, Lk = s.kernel_length;
  const int64_t chunks = (L + kDirectTimeChunk - 1) / kDirectTimeChunk;
  parallel_for(s.batch * chunks, threads, [&](int64_t task, int) {
    const int64_t b = task / chunks, t0 = (task % chunks) * kDirectTimeChunk;
    const float* xb = x + b * L * H;  // [L, H]
    for (int64_t t = t0; t < std::min(L, t0 + kDirectTimeChunk); ++t) {
      float* row = out + (b * L + t) * H;
      for (int64_t h = 0; h < H; ++h)
        row[h] = d ? d[h] * xb[t * H + h] : 0.0f;
      // Lags that stay inside [0, L): x index t - p0 - i >= 0, t + q0 + i < L.
      if (behind) add_taps(row, behind, xb, t - p0, -1, std::clamp(t - p0 + 1, int64_t{0}, Lk), H);
      if (ahead) add_taps(row, ahead, xb, t + q0, 1, std::clamp(L - t - q0, int64_t{0}, Lk), H);
    }
  });
}

// dk, and dD (its lag 0), by direct correlation: channel blocks are moved
// into contiguous pair rows as the FFT path moves them, and each lag is a
// dot product of a dy row with a shifted u row, summed over the batch in
// increasing b.
void direct_parameter_grads(const LongConvShape& s, const float* u, const float* dy, float* dk,
                            float* dd, int threads) {
  using long_conv_internal::Block;
  using long_conv_internal::lag_products;
  const int64_t L = s.length, Lk = s.kernel_length;
  const int64_t per_channel = s.bidirectional ? 2 * Lk : Lk;
  const int64_t lags = dk ? per_channel : 1;
  const int64_t stride = (2 * L + 15) / 16 * 16 + 16;  // floats; see the FFT path's rows
  const auto blocks = long_conv_internal::channel_blocks(s.channels, dy);
  parallel_for(std::ssize(blocks), threads, [&](int64_t task, int) {
    const Block blk = blocks[idx(task)];
    const int64_t pairs = blk.pairs();
    std::vector<float> dy_buf(idx(pairs * stride)), u_buf(idx(pairs * stride));
    const long_conv_internal::PairRows dy_rows{stride, dy_buf.data()}, u_rows{stride, u_buf.data()};
    std::vector<double> sums(idx(lags * 2 * pairs), 0.0);  // [lag, channel of the block]
    for (int64_t b = 0; b < s.batch; ++b) {
      long_conv_internal::gather(dy, s, b, blk, dy_rows);
      long_conv_internal::gather(u, s, b, blk, u_rows);
      for (int64_t q = 0; q < pairs; ++q) {
        for (int64_t i = 0; i < lags; ++i) {
          // Forward half: lag i; backward half: lag -1 - (i - Lk).
          const int64_t m = i < Lk ? i : Lk - 1 - i;
          lag_products(dy_rows.pair(q), u_rows.pair(q), L, m, &sums[idx((i * pairs + q) * 2)]);
        }
      }
    }
    for (int64_t j = 0; j < blk.hb; ++j) {
      const int64_t h = blk.h0 + j;
      if (dd) dd[h] = static_cast<float>(sums[idx(j)]);
      if (!dk) continue;
      for (int64_t i = 0; i < per_channel; ++i)
        dk[h * per_channel + i] = static_cast<float>(sums[idx(i * 2 * pairs + j)]);
    }
  });
}

// Cost model, in units of one multiply-add of the direct forward path, with
// Lk' = Lk, doubled when bidirectional, and F = fft_cost(n) (n log2 n
// weighted by FFTW's speed at that size):
//   forward:  direct L (Lk' + 8)         FFT 4.5 F
//   backward: direct 2.4 L (Lk' + 12)    FFT 7 F
// The +8 and +12 are the per-element passes (D, moving rows). Fitted to
// single-thread timings at B = 8, H = 256 on an AVX-512 EPYC with FFTW
// 3.3.10 (bench_long_conv, BM_LongConvCrossover). The kernel length at which
// both took equal time was about 60 / 45 / 55 forward and 28 / 28 / 35
// backward at L = 1024 / 4096 / 16384; the model puts it at 56 / 49 / 59 and
// 30 / 25 / 31.
constexpr double kForwardFft = 4.5, kForwardDirectOverhead = 8.0;
constexpr double kBackwardFft = 7.0, kBackwardDirect = 2.4, kBackwardDirectOverhead = 12.0;

}  // namespace

LongConvAlgorithm long_conv_choose_algorithm(const LongConvShape& shape, bool backward) {
  const double fft_cost = long_conv_internal::fft_cost(long_conv_fft_size(shape));
  const double taps = static_cast<double>(shape.kernel_length) * (shape.bidirectional ? 2.0 : 1.0);
  const double L = static_cast<double>(shape.length);
  const double direct = backward ? kBackwardDirect * L * (taps + kBackwardDirectOverhead)
                                 : L * (taps + kForwardDirectOverhead);
  const double fft = (backward ? kBackwardFft : kForwardFft) * fft_cost;
  return direct <= fft ? LongConvAlgorithm::kDirect : LongConvAlgorithm::kFft;
}

void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y, const LongConvOptions& options) {
  check_long_conv_shape(shape, u && k && y, "long_conv_forward");
  if (shape.batch == 0 || shape.channels == 0) return;
  const int threads = resolve_threads(options.threads);
  LongConvAlgorithm algorithm = options.algorithm;
  if (algorithm == LongConvAlgorithm::kAuto) algorithm = long_conv_choose_algorithm(shape, false);
  if (algorithm == LongConvAlgorithm::kFft) {
    long_conv_internal::fft_forward(shape, u, k, d, y, threads);
    return;
  }
  const auto fwd = transpose_taps(k, shape, 0);  // [Lk, H]
  const auto bwd = shape.bidirectional ? transpose_taps(k, shape, 1) : std::vector<float>{};
  direct_apply(shape, u, d, fwd.data(), 0, shape.bidirectional ? bwd.data() : nullptr, 1, y,
               threads);
}

void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd,
                        const LongConvOptions& options) {
  check_long_conv_shape(shape, u && k && dy, "long_conv_backward");
  if (shape.batch == 0 || shape.channels == 0) {
    // Empty sums: the parameter gradients are zero.
    if (dk) std::fill(dk, dk + shape.kernel_size(), 0.0f);
    if (dd) std::fill(dd, dd + shape.channels, 0.0f);
    return;
  }
  const int threads = resolve_threads(options.threads);
  LongConvAlgorithm algorithm = options.algorithm;
  if (algorithm == LongConvAlgorithm::kAuto) algorithm = long_conv_choose_algorithm(shape, true);
  if (algorithm == LongConvAlgorithm::kFft) {
    long_conv_internal::fft_backward(shape, u, k, d, dy, du, dk, dd, threads);
    return;
  }
  if (du) {
    const auto fwd = transpose_taps(k, shape, 0);  // [Lk, H]
    const auto bwd = shape.bidirectional ? transpose_taps(k, shape, 1) : std::vector<float>{};
    direct_apply(shape, dy, d, shape.bidirectional ? bwd.data() : nullptr, 1, fwd.data(), 0, du,
                 threads);
  }
  if (dk || dd) direct_parameter_grads(shape, u, dy, dk, dd, threads);
}

}  // namespace kernels::cpu
