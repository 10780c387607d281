// Moving blocks of channels between [B, L, H] and contiguous rows, and the
// lag products both algorithms take from those rows (dk on the direct path,
// dD on both).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "kernels/cpu/long_conv_internal.h"

namespace kernels::cpu::long_conv_internal {

namespace {

// Reading a block walks [B, L, H] with a stride of H floats, a new page every
// few steps, where hardware prefetchers give up; without a software prefetch
// the gather waited on memory about as long as the FFTs took.
constexpr int64_t kPrefetchSteps = 32;
constexpr int64_t kTile = 16;  // time steps moved at once, through an L1 tile
constexpr int64_t kPairs = kBlock / 2;

}  // namespace

// When H is a multiple of 16 the first block is shortened so that the others
// start on a cache line of `x`: a block straddling two lines reads twice the
// memory for the same data. Blocks start on even channels to keep the pairs.
std::vector<Block> channel_blocks(int64_t H, const float* x) {
  int64_t first = kBlock;
  const auto offset = static_cast<int64_t>(reinterpret_cast<uintptr_t>(x) / sizeof(float)) % kBlock;
  if (H % kBlock == 0 && offset % 2 == 0 && offset != 0) first = kBlock - offset;
  std::vector<Block> blocks;
  for (int64_t h0 = 0; h0 < H; h0 += blocks.back().hb)
    blocks.push_back({h0, std::min(blocks.empty() ? first : kBlock, H - h0)});
  return blocks;
}

void gather(const float* x, const LongConvShape& s, int64_t b, Block blk, PairRows rows) {
  const int64_t L = s.length, H = s.channels;
  const float* xb = x + b * L * H + blk.h0;  // [L, H] from channel h0
  float tile[kPairs][2 * kTile] = {};        // a missing partner stays 0
  for (int64_t t0 = 0; t0 < L; t0 += kTile) {
    const int64_t tn = std::min(kTile, L - t0);
    for (int64_t i = 0; i < tn; ++i) {
      const float* src = xb + (t0 + i) * H;
      if (t0 + i + kPrefetchSteps < L) {
        __builtin_prefetch(src + kPrefetchSteps * H);
        __builtin_prefetch(src + kPrefetchSteps * H + blk.hb - 1);
      }
      for (int64_t j = 0; j < blk.hb; ++j)
        tile[j / 2][2 * i + j % 2] = src[j];
    }
    for (int64_t q = 0; q < blk.pairs(); ++q)
      std::copy(tile[q], tile[q] + 2 * tn, rows.pair(q) + 2 * t0);
  }
}

void scatter(PairRows rows, const LongConvShape& s, int64_t b, Block blk, float* out) {
  const int64_t L = s.length, H = s.channels;
  float* ob = out + b * L * H + blk.h0;  // [L, H] from channel h0
  float tile[kPairs][2 * kTile];
  for (int64_t t0 = 0; t0 < L; t0 += kTile) {
    const int64_t tn = std::min(kTile, L - t0);
    for (int64_t q = 0; q < blk.pairs(); ++q)
      std::copy(rows.pair(q) + 2 * t0, rows.pair(q) + 2 * (t0 + tn), tile[q]);
    for (int64_t i = 0; i < tn; ++i) {
      float* dst = ob + (t0 + i) * H;
      if (t0 + i + kPrefetchSteps < L) {
        __builtin_prefetch(dst + kPrefetchSteps * H, 1);
        __builtin_prefetch(dst + kPrefetchSteps * H + blk.hb - 1, 1);
      }
      for (int64_t j = 0; j < blk.hb; ++j)
        dst[j] = tile[j / 2][2 * i + j % 2];
    }
  }
}

void zero_padding(PairRows rows, Block blk, int64_t from, int64_t n) {
  for (int64_t q = 0; q < blk.pairs(); ++q)
    std::fill(rows.pair(q) + 2 * from, rows.pair(q) + 2 * n, 0.0f);
}

// 64 float lanes, each its own chain of additions: the loop vectorises
// without reassociation (four AVX-512 or eight AVX2 accumulators, enough to
// hide the latency of the additions), and the order of summation is fixed by
// the code, whatever the thread count. Even lanes hold the first channel of
// the pair, odd lanes the second.
__attribute__((target_clones("avx512f", "avx2", "default"))) void lag_products(
    const float* __restrict lhs, const float* __restrict rhs, int64_t L, int64_t m, double* sums) {
  constexpr int64_t kLanes = 64;
  // lhs index t, rhs index t - m, both in [0, L): t in [max(0, m), min(L, L + m)).
  const int64_t begin = 2 * std::max<int64_t>(0, m), end = 2 * std::min(L, L + m);
  float lanes[kLanes] = {};
  int64_t i = begin;
  for (; i + kLanes <= end; i += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l)
      lanes[l] += lhs[i + l] * rhs[i + l - 2 * m];
  }
  for (; i < end; ++i)
    lanes[(i - begin) % kLanes] += lhs[i] * rhs[i - 2 * m];
  double even = 0.0, odd = 0.0;
  for (int64_t l = 0; l < kLanes; l += 2) {
    even += lanes[l];
    odd += lanes[l + 1];
  }
  sums[0] += even;
  sums[1] += odd;
}

}  // namespace kernels::cpu::long_conv_internal
