// The CUDA long convolution: argument checks, the moves between [B, L, H]
// and padded FFT rows, the spectrum products and the order of the steps.
// The cuFFT plans are in fft_plans.cpp.
//
// Lags live at their index modulo n in a row: the causal half of the kernel
// at 0..Lk-1, the anticausal half (lag -1 - s for k[h, 1, s]) at n-1..n-Lk.
// With F the unscaled forward transform and F^-1 its inverse divided by n:
//   y  = F^-1(U K) + D u                     (convolution)
//   du = F^-1(DY conj(K)) + D dy             (correlation with the kernel)
//   dk = F^-1(sum_b DY_b conj(U_b)) at the kernel's lags
//   dD = sum_b sum_t dy u, summed directly in double.
// n >= L + Lk keeps every product free of wrap-around, as on the CPU.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/column_sums.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/fft_plans.h"
#include "kernels/cuda/grid_stride.cuh"
#include "kernels/cuda/long_conv.h"
#include "kernels/cuda/long_conv_direct.h"

namespace kernels::cuda {

namespace {

using detail::check_launch;
using detail::grid_for;
using detail::kThreads;
using detail::real_row_stride;
using detail::spectrum_bins;

// Floats in one buffer of padded rows (and about as many in the spectra);
// the batch is split into chunks below it.
constexpr int64_t kChunkFloats = int64_t{1} << 28;
// A transpose tile: 32 times by 32 channels, moved by 32 x 8 threads.
constexpr int kTile = 32;
constexpr int kTileRows = 8;
constexpr int64_t kMaxGridZ = 65535;

// Samples per chunk: as many as fit kChunkFloats, spread evenly over the
// chunks the batch needs.
int64_t chunk_samples(const LongConvShape& s, int64_t stride) {
  const int64_t fit = std::clamp<int64_t>(kChunkFloats / (s.channels * stride), 1, s.batch);
  const int64_t chunks = (s.batch + fit - 1) / fit;
  return (s.batch + chunks - 1) / chunks;
}

// rows [H, stride] = the kernel of each channel at its lags, zero elsewhere.
__global__ void place_kernel(const float* k, int64_t H, int64_t Lk, bool bidirectional, int64_t n,
                             int64_t stride, float* rows) {
  const int64_t per_channel = bidirectional ? 2 * Lk : Lk;
  for (int64_t i = detail::grid_first(); i < H * n; i += detail::grid_step()) {
    const int64_t h = i / n, t = i % n;
    const float* kh = k + h * per_channel;
    float v = 0.0f;
    if (t < Lk) {
      v = kh[t];
    } else if (bidirectional && t >= n - Lk) {
      v = kh[Lk + (n - 1 - t)];
    }
    rows[h * stride + t] = v;
  }
}

// rows [batch, H, stride]: rows[b, h, t] = x[b, t, h] for t < L (and 0 up to
// the end of the tile). x is [batch, L, H]. Blocks cover 32 x 32 (t, h) tiles;
// both the read of x and the write of the rows are coalesced.
__global__ void gather_rows(const float* x, int64_t batch, int64_t L, int64_t H, int64_t n,
                            int64_t stride, float* rows) {
  __shared__ float tile[kTile][kTile + 1];
  const int64_t t0 = blockIdx.x * static_cast<int64_t>(kTile);
  const int64_t h0 = blockIdx.y * static_cast<int64_t>(kTile);
  for (int64_t b = blockIdx.z; b < batch; b += gridDim.z) {
    for (int j = threadIdx.y; j < kTile; j += kTileRows) {
      const int64_t t = t0 + j, h = h0 + threadIdx.x;
      tile[j][threadIdx.x] = (t < L && h < H) ? x[(b * L + t) * H + h] : 0.0f;
    }
    __syncthreads();
    for (int j = threadIdx.y; j < kTile; j += kTileRows) {
      const int64_t h = h0 + j, t = t0 + threadIdx.x;
      if (h < H && t < n) rows[(b * H + h) * stride + t] = tile[threadIdx.x][j];
    }
    __syncthreads();
  }
}

// out[b, t, h] = rows[b, h, t] + (d ? d[h] * skip[b, t, h] : 0) for t < L.
__global__ void scatter_rows(const float* rows, const float* skip, const float* d, int64_t batch,
                             int64_t L, int64_t H, int64_t stride, float* out) {
  constexpr int kPerThread = kTile / kTileRows;
  __shared__ float tile[kTile][kTile + 1];
  const int64_t t0 = blockIdx.x * static_cast<int64_t>(kTile);
  const int64_t h0 = blockIdx.y * static_cast<int64_t>(kTile);
  const int64_t h_out = h0 + threadIdx.x;
  const float dh = (d && h_out < H) ? d[h_out] : 0.0f;
  for (int64_t b = blockIdx.z; b < batch; b += gridDim.z) {
    // The skip term is read before the tile, so that both streams of loads
    // are in flight together.
    float skipped[kPerThread];
#pragma unroll
    for (int q = 0; q < kPerThread; ++q) {
      const int64_t t = t0 + threadIdx.y + q * kTileRows;
      skipped[q] = (d && t < L && h_out < H) ? dh * skip[(b * L + t) * H + h_out] : 0.0f;
    }
#pragma unroll
    for (int q = 0; q < kPerThread; ++q) {
      const int j = threadIdx.y + q * kTileRows;
      const int64_t h = h0 + j, t = t0 + threadIdx.x;
      tile[j][threadIdx.x] = (h < H && t < L) ? rows[(b * H + h) * stride + t] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int q = 0; q < kPerThread; ++q) {
      const int j = threadIdx.y + q * kTileRows;
      const int64_t t = t0 + j;
      if (t < L && h_out < H) out[(b * L + t) * H + h_out] = tile[threadIdx.x][j] + skipped[q];
    }
    __syncthreads();
  }
}

// spectra [count, bins] *= scale * K [H, bins] (or conj(K)), row r using the
// kernel of channel r % H.
__global__ void multiply_spectra(float2* spectra, const float2* kernel, int64_t count, int64_t H,
                                 int64_t bins, bool conjugate, float scale) {
  for (int64_t i = detail::grid_first(); i < count * bins; i += detail::grid_step()) {
    const int64_t r = i / bins, f = i % bins;
    const float2 z = spectra[i];
    float2 w = kernel[(r % H) * bins + f];
    if (conjugate) w.y = -w.y;
    spectra[i] = make_float2(scale * (z.x * w.x - z.y * w.y), scale * (z.x * w.y + z.y * w.x));
  }
}

// acc [H, bins] += sum_b DY[b, h] conj(U[b, h]), batch elements in
// increasing order.
__global__ void accumulate_correlation(const float2* dy, const float2* u, int64_t batch, int64_t H,
                                       int64_t bins, float2* acc) {
  for (int64_t i = detail::grid_first(); i < H * bins; i += detail::grid_step()) {
    float2 s = acc[i];
    for (int64_t b = 0; b < batch; ++b) {
      const float2 a = dy[b * H * bins + i], c = u[b * H * bins + i];
      s.x += a.x * c.x + a.y * c.y;
      s.y += a.y * c.x - a.x * c.y;
    }
    acc[i] = s;
  }
}

// dk [H, (2,) Lk] = scale * lags [H, stride] read at the kernel's lags.
__global__ void gather_kernel_grads(const float* lags, int64_t H, int64_t Lk, bool bidirectional,
                                    int64_t n, int64_t stride, float scale, float* dk) {
  const int64_t per_channel = bidirectional ? 2 * Lk : Lk;
  for (int64_t i = detail::grid_first(); i < H * per_channel; i += detail::grid_step()) {
    const int64_t h = i / per_channel, j = i % per_channel;
    const int64_t lag = j < Lk ? j : n - 1 - (j - Lk);
    dk[i] = scale * lags[h * stride + lag];
  }
}

float2* as_complex(DeviceBuffer& buffer) {
  return reinterpret_cast<float2*>(buffer.data());
}

dim3 tile_grid(int64_t time, int64_t H, int64_t batch) {
  return dim3(static_cast<unsigned>((time + kTile - 1) / kTile),
              static_cast<unsigned>((H + kTile - 1) / kTile),
              static_cast<unsigned>(std::min(batch, kMaxGridZ)));
}

// The kernel spectra [H, bins] complex.
DeviceBuffer kernel_spectra(const LongConvShape& s, const float* k, int64_t n) {
  const int64_t stride = real_row_stride(n);
  DeviceBuffer rows(s.channels * stride), spectra(s.channels * 2 * spectrum_bins(n));
  place_kernel<<<grid_for(s.channels * n), kThreads>>>(k, s.channels, s.kernel_length,
                                                       s.bidirectional, n, stride, rows.data());
  check_launch("long_conv (cuda): kernel rows");
  detail::fft_rows_forward(n, s.channels, rows.data(), as_complex(spectra));
  return spectra;
}

// Samples [b0, b0 + count) of x as zero-padded rows [count, H, stride], and
// their spectra [count, H, bins]. The rows' padding is zeroed with a memset,
// which runs at full bandwidth, rather than through the transpose.
void transform_samples(const LongConvShape& s, const float* x, int64_t b0, int64_t count, int64_t n,
                       float* rows, float2* spectra) {
  const int64_t L = s.length, H = s.channels, stride = real_row_stride(n);
  gather_rows<<<tile_grid(L, H, count), dim3(kTile, kTileRows)>>>(x + b0 * L * H, count, L, H, n,
                                                                  stride, rows);
  check_launch("long_conv (cuda): gather");
  detail::check(cudaMemset2DAsync(rows + L, sizeof(float) * stride, 0, sizeof(float) * (n - L),
                                  count * H, nullptr),
                "long_conv (cuda): zero padding");
  detail::fft_rows_forward(n, count * H, rows, spectra);
}

// Multiplies spectra by the kernel spectra, transforms them back into `rows`
// and writes samples [b0, b0 + count) of out, with D times the same samples
// of `skip`. The spectra are overwritten.
void apply_kernel(const LongConvShape& s, float2* spectra, const DeviceBuffer& kernel,
                  bool conjugate, const float* skip, const float* d, int64_t b0, int64_t count,
                  int64_t n, float* rows, float* out) {
  const int64_t L = s.length, H = s.channels, stride = real_row_stride(n), bins = spectrum_bins(n);
  multiply_spectra<<<grid_for(count * H * bins), kThreads>>>(
      spectra, reinterpret_cast<const float2*>(kernel.data()), count * H, H, bins, conjugate,
      1.0f / static_cast<float>(n));
  check_launch("long_conv (cuda): spectrum product");
  detail::fft_rows_inverse(n, count * H, spectra, rows);
  const int64_t offset = b0 * L * H;
  scatter_rows<<<tile_grid(L, H, count), dim3(kTile, kTileRows)>>>(rows, skip + offset, d, count, L,
                                                                   H, stride, out + offset);
  check_launch("long_conv (cuda): scatter");
}

// du and dk on the FFT path (dD is summed by the caller).
void fft_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                  const float* dy, float* du, float* dk) {
  if (!du && !dk) return;
  const int64_t H = shape.channels, n = cuda::long_conv_fft_size(shape);
  const int64_t stride = real_row_stride(n), bins = spectrum_bins(n);
  DeviceBuffer kernel;
  if (du) kernel = kernel_spectra(shape, k, n);
  DeviceBuffer correlation;  // [H, bins] complex: sum_b DY_b conj(U_b)
  if (dk) {
    correlation = DeviceBuffer(H * 2 * bins);
    device_fill(correlation.data(), 0.0f, correlation.size());
  }
  const int64_t per_chunk = chunk_samples(shape, stride);
  DeviceBuffer rows(per_chunk * H * stride);                     // [chunk, H, stride]
  DeviceBuffer dy_spectra(per_chunk * H * 2 * bins), u_spectra;  // [chunk, H, bins] complex
  if (dk) u_spectra = DeviceBuffer(per_chunk * H * 2 * bins);
  for (int64_t b0 = 0; b0 < shape.batch; b0 += per_chunk) {
    const int64_t count = std::min(per_chunk, shape.batch - b0);
    transform_samples(shape, dy, b0, count, n, rows.data(), as_complex(dy_spectra));
    if (dk) {
      transform_samples(shape, u, b0, count, n, rows.data(), as_complex(u_spectra));
      accumulate_correlation<<<grid_for(H * bins), kThreads>>>(
          as_complex(dy_spectra), as_complex(u_spectra), count, H, bins, as_complex(correlation));
      check_launch("long_conv (cuda): kernel gradient spectra");
    }
    if (du) {
      apply_kernel(shape, as_complex(dy_spectra), kernel, true, dy, d, b0, count, n, rows.data(),
                   du);
    }
  }
  if (dk) {
    detail::fft_rows_inverse(n, H, as_complex(correlation), rows.data());
    gather_kernel_grads<<<grid_for(shape.kernel_size()), kThreads>>>(
        rows.data(), H, shape.kernel_length, shape.bidirectional, n, stride,
        1.0f / static_cast<float>(n), dk);
    check_launch("long_conv (cuda): kernel gradient");
  }
}

}  // namespace

int64_t long_conv_fft_size(const LongConvShape& shape) {
  const int64_t minimum = std::max<int64_t>(shape.length + shape.kernel_length, 2);
  int64_t best = 2;
  while (best < minimum)
    best *= 2;
  for (int64_t odd : {3, 5}) {
    int64_t n = 2 * odd;
    while (n < minimum)
      n *= 2;
    best = std::min(best, n);
  }
  return best;
}

LongConvAlgorithm long_conv_choose_algorithm(const LongConvShape& shape, bool /*backward*/) {
  return shape.kernel_length <= detail::kDirectMaxKernelLength ? LongConvAlgorithm::kDirect
                                                               : LongConvAlgorithm::kFft;
}

void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y) {
  long_conv_forward(shape, u, k, d, y, LongConvAlgorithm::kAuto);
}

void long_conv_forward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                       float* y, LongConvAlgorithm algorithm) {
  cpu::check_long_conv_shape(shape, u && k && y, "long_conv_forward (cuda)");
  if (shape.batch == 0 || shape.channels == 0) return;
  if (algorithm == LongConvAlgorithm::kAuto)
    algorithm = cuda::long_conv_choose_algorithm(shape, false);
  if (algorithm == LongConvAlgorithm::kDirect) {
    detail::long_conv_direct_forward(shape, u, k, d, y);
    return;
  }
  const int64_t n = cuda::long_conv_fft_size(shape), stride = real_row_stride(n);
  const DeviceBuffer kernel = kernel_spectra(shape, k, n);
  const int64_t per_chunk = chunk_samples(shape, stride);
  DeviceBuffer rows(per_chunk * shape.channels * stride);                   // [chunk, H, stride]
  DeviceBuffer spectra(per_chunk * shape.channels * 2 * spectrum_bins(n));  // [chunk, H, bins]
  for (int64_t b0 = 0; b0 < shape.batch; b0 += per_chunk) {
    const int64_t count = std::min(per_chunk, shape.batch - b0);
    transform_samples(shape, u, b0, count, n, rows.data(), as_complex(spectra));
    apply_kernel(shape, as_complex(spectra), kernel, false, u, d, b0, count, n, rows.data(), y);
  }
}

void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd) {
  long_conv_backward(shape, u, k, d, dy, du, dk, dd, LongConvAlgorithm::kAuto);
}

void long_conv_backward(const LongConvShape& shape, const float* u, const float* k, const float* d,
                        const float* dy, float* du, float* dk, float* dd,
                        LongConvAlgorithm algorithm) {
  cpu::check_long_conv_shape(shape, u && k && dy, "long_conv_backward (cuda)");
  const int64_t H = shape.channels;
  if (shape.batch == 0 || H == 0) {
    // Empty sums: the parameter gradients are zero.
    if (dk) device_fill(dk, 0.0f, shape.kernel_size());
    if (dd) device_fill(dd, 0.0f, H);
    return;
  }
  if (algorithm == LongConvAlgorithm::kAuto)
    algorithm = cuda::long_conv_choose_algorithm(shape, true);
  if (algorithm == LongConvAlgorithm::kDirect) {
    detail::long_conv_direct_backward(shape, u, k, d, dy, du, dk);
  } else {
    fft_backward(shape, u, k, d, dy, du, dk);
  }
  if (dd) {
    // [B L, H] rows: dD[h] = sum over rows of dy * u.
    detail::column_sums(dy, u, nullptr, nullptr, 1, shape.batch * shape.length, H, 1.0, false, dd);
  }
}

}  // namespace kernels::cuda
