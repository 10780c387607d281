// The direct CUDA long convolution (see long_conv_direct.h).
//
// One kernel serves y and du. With the output at time t and sign = -1 for y,
// +1 for du:
//   causal tap s       reads x[t + sign * s]        (y: u[t - s],     du: dy[t + s])
//   anticausal tap s   reads x[t - sign * (1 + s)]  (y: u[t + 1 + s], du: dy[t - 1 - s])
// so a tile of kTime outputs needs x from Lk before to Lk after it.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/column_sums.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/long_conv_direct.h"

namespace kernels::cuda::detail {

namespace {

// A block: 32 channels (threadIdx.x, so warps read and write along H) by 8
// rows of threads; a tile is kTime times.
constexpr int kChannels = 32;
constexpr int kRows = 8;
constexpr int kTime = 128;
constexpr int kOutputsPerThread = kTime / kRows;
// Taps of one channel per thread row in the dk kernel: 2 * Lk / kRows.
constexpr int kTapsPerThread = static_cast<int>(2 * kDirectMaxKernelLength / kRows);
constexpr int64_t kMaxGridZ = 65535;
// Blocks the dk kernel aims for (enough to fill a large GPU several times);
// fewer blocks mean fewer partial sums to add afterwards.
constexpr int64_t kGradBlocks = 2048;

size_t tile_bytes(int Lk, bool bidirectional) {
  const int rows = kTime + 2 * Lk;
  const int taps = bidirectional ? 2 * Lk : Lk;
  return sizeof(float) * kChannels * static_cast<size_t>(rows + taps);
}

// Stages x[b, t0 - Lk .. t0 + kTime + Lk, h0 .. h0 + 32] into xs [rows, 32],
// zeros outside the signal.
__device__ void stage_signal(const float* xb, int64_t t0, int64_t h, int64_t L, int64_t H, int Lk,
                             float* xs) {
  const int rows = kTime + 2 * Lk;
  for (int r = threadIdx.y; r < rows; r += kRows) {
    const int64_t t = t0 - Lk + r;
    xs[r * kChannels + threadIdx.x] = (t >= 0 && t < L && h < H) ? xb[t * H + h] : 0.0f;
  }
}

// out[b, t, h] = sum over taps of k * x at the tap's time (above) + d[h] x[b, t, h].
__global__ void direct_taps(const float* x, const float* k, const float* d, int64_t batch,
                            int64_t L, int64_t H, int Lk, bool bidirectional, int sign,
                            float* out) {
  extern __shared__ float shared[];
  float* xs = shared;                                   // [kTime + 2 Lk, 32]
  float* taps = shared + (kTime + 2 * Lk) * kChannels;  // [per_channel, 32]
  const int per_channel = bidirectional ? 2 * Lk : Lk;
  const int64_t t0 = blockIdx.x * static_cast<int64_t>(kTime);
  const int64_t h = blockIdx.y * static_cast<int64_t>(kChannels) + threadIdx.x;
  const int c = threadIdx.x;
  for (int j = threadIdx.y; j < per_channel; j += kRows)
    taps[j * kChannels + c] = h < H ? k[h * per_channel + j] : 0.0f;
  const float dh = (d && h < H) ? d[h] : 0.0f;
  for (int64_t b = blockIdx.z; b < batch; b += gridDim.z) {
    __syncthreads();  // the previous sample's tile is no longer read
    stage_signal(x + b * L * H, t0, h, L, H, Lk, xs);
    __syncthreads();
    // Output i of this thread is at tile row Lk + threadIdx.y + i * kRows.
    const float* centre = xs + (Lk + threadIdx.y) * kChannels + c;
    float acc[kOutputsPerThread];
#pragma unroll
    for (int i = 0; i < kOutputsPerThread; ++i)
      acc[i] = dh * centre[i * kRows * kChannels];
    for (int s = 0; s < Lk; ++s) {
      const float w = taps[s * kChannels + c];
      const float* at = centre + sign * s * kChannels;
#pragma unroll
      for (int i = 0; i < kOutputsPerThread; ++i)
        acc[i] += w * at[i * kRows * kChannels];
    }
    if (bidirectional) {
      for (int s = 0; s < Lk; ++s) {
        const float w = taps[(Lk + s) * kChannels + c];
        const float* at = centre - sign * (1 + s) * kChannels;
#pragma unroll
        for (int i = 0; i < kOutputsPerThread; ++i)
          acc[i] += w * at[i * kRows * kChannels];
      }
    }
    if (h < H) {
#pragma unroll
      for (int i = 0; i < kOutputsPerThread; ++i) {
        const int64_t t = t0 + threadIdx.y + i * kRows;
        if (t < L) out[(b * L + t) * H + h] = acc[i];
      }
    }
  }
}

// partial[p, h, j] = sum over the times of chunk p of dy[t] times u at tap j's
// time (causal tap s: u[t - s], anticausal tap s: u[t + 1 + s]), where chunk
// p = b * chunks + blockIdx.x covers tiles_per_chunk tiles of sample b.
__global__ void direct_kernel_grad_chunks(const float* u, const float* dy, int64_t batch, int64_t L,
                                          int64_t H, int Lk, bool bidirectional,
                                          int64_t tiles_per_chunk, float* partial) {
  extern __shared__ float shared[];
  float* us = shared;                                  // [kTime + 2 Lk, 32]
  float* dys = shared + (kTime + 2 * Lk) * kChannels;  // [kTime, 32]
  const int per_channel = bidirectional ? 2 * Lk : Lk;
  const int64_t h = blockIdx.y * static_cast<int64_t>(kChannels) + threadIdx.x;
  const int c = threadIdx.x;
  const int64_t chunks = gridDim.x;
  for (int64_t b = blockIdx.z; b < batch; b += gridDim.z) {
    float acc[kTapsPerThread] = {};
    const int64_t first = blockIdx.x * tiles_per_chunk * kTime;
    const int64_t chunk_end = first + tiles_per_chunk * kTime;
    const int64_t end = chunk_end < L ? chunk_end : L;
    for (int64_t t0 = first; t0 < end; t0 += kTime) {
      __syncthreads();
      stage_signal(u + b * L * H, t0, h, L, H, Lk, us);
      for (int r = threadIdx.y; r < kTime; r += kRows) {
        const int64_t t = t0 + r;
        dys[r * kChannels + c] = (t < L && h < H) ? dy[(b * L + t) * H + h] : 0.0f;
      }
      __syncthreads();
#pragma unroll
      for (int i = 0; i < kTapsPerThread; ++i) {
        const int j = threadIdx.y + i * kRows;
        if (j >= per_channel) break;
        // Row of u for output row 0 of the tile.
        const int first_row = j < Lk ? Lk - j : Lk + 1 + (j - Lk);
        const float* at = us + first_row * kChannels + c;
        float sum = 0.0f;
        for (int r = 0; r < kTime; ++r)
          sum += dys[r * kChannels + c] * at[r * kChannels];
        acc[i] += sum;
      }
    }
    if (h < H) {
      float* out = partial + ((b * chunks + blockIdx.x) * H + h) * per_channel;
#pragma unroll
      for (int i = 0; i < kTapsPerThread; ++i) {
        const int j = threadIdx.y + i * kRows;
        if (j < per_channel) out[j] = acc[i];
      }
    }
  }
}

template <typename Kernel>
void allow_shared_bytes(Kernel kernel, size_t bytes) {
  if (bytes > 48 * 1024) {
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(bytes)),
          "long_conv (cuda, direct): shared memory");
  }
}

void run_taps(const cpu::LongConvShape& s, const float* x, const float* k, const float* d, int sign,
              float* out) {
  const int Lk = static_cast<int>(s.kernel_length);
  const size_t bytes = tile_bytes(Lk, s.bidirectional);
  allow_shared_bytes(direct_taps, bytes);
  const dim3 grid(static_cast<unsigned>((s.length + kTime - 1) / kTime),
                  static_cast<unsigned>((s.channels + kChannels - 1) / kChannels),
                  static_cast<unsigned>(std::min(s.batch, kMaxGridZ)));
  direct_taps<<<grid, dim3(kChannels, kRows), bytes>>>(x, k, d, s.batch, s.length, s.channels, Lk,
                                                       s.bidirectional, sign, out);
  check_launch("long_conv (cuda, direct): taps");
}

void check_direct_shape(const cpu::LongConvShape& s, const char* op) {
  if (s.kernel_length > kDirectMaxKernelLength) {
    throw std::invalid_argument(std::string(op) + ": the direct path takes Lk <= " +
                                std::to_string(kDirectMaxKernelLength) + ", got " +
                                std::to_string(s.kernel_length));
  }
}

}  // namespace

void long_conv_direct_forward(const cpu::LongConvShape& shape, const float* u, const float* k,
                              const float* d, float* y) {
  check_direct_shape(shape, "long_conv_forward (cuda, direct)");
  if (shape.batch == 0 || shape.channels == 0) return;
  run_taps(shape, u, k, d, -1, y);
}

void long_conv_direct_backward(const cpu::LongConvShape& shape, const float* u, const float* k,
                               const float* d, const float* dy, float* du, float* dk) {
  check_direct_shape(shape, "long_conv_backward (cuda, direct)");
  if (shape.batch == 0 || shape.channels == 0) return;
  if (du) run_taps(shape, dy, k, d, +1, du);
  if (!dk) return;
  const int Lk = static_cast<int>(shape.kernel_length);
  const int64_t H = shape.channels, per_channel = shape.bidirectional ? 2 * Lk : Lk;
  const int64_t channel_tiles = (H + kChannels - 1) / kChannels;
  const int64_t time_tiles = (shape.length + kTime - 1) / kTime;
  const int64_t samples = std::min(shape.batch, kMaxGridZ);
  const int64_t wanted =
      std::clamp<int64_t>(kGradBlocks / (channel_tiles * samples), 1, time_tiles);
  const int64_t tiles_per_chunk = (time_tiles + wanted - 1) / wanted;
  const int64_t chunks = (time_tiles + tiles_per_chunk - 1) / tiles_per_chunk;
  const int64_t parts = shape.batch * chunks;
  DeviceBuffer partial(parts * H * per_channel);  // [parts, H, per_channel]
  const size_t bytes = sizeof(float) * kChannels * static_cast<size_t>(2 * kTime + 2 * Lk);
  allow_shared_bytes(direct_kernel_grad_chunks, bytes);
  const dim3 grid(static_cast<unsigned>(chunks), static_cast<unsigned>(channel_tiles),
                  static_cast<unsigned>(samples));
  direct_kernel_grad_chunks<<<grid, dim3(kChannels, kRows), bytes>>>(
      u, dy, shape.batch, shape.length, H, Lk, shape.bidirectional, tiles_per_chunk,
      partial.data());
  check_launch("long_conv (cuda, direct): kernel gradient");
  column_sums(partial.data(), nullptr, nullptr, nullptr, 1, parts, H * per_channel, 1.0, false, dk);
}

}  // namespace kernels::cuda::detail
