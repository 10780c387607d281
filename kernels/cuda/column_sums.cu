#include <algorithm>
#include <cstdint>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/column_sums.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_memory.h"
#include "kernels/cuda/grid_stride.cuh"

namespace kernels::cuda::detail {

namespace {

// A block covers 32 adjacent columns (one coalesced 128-byte read per row)
// with 8 lanes walking the rows of its part.
constexpr int kColumnTile = 32;
constexpr int kRowLanes = 8;
constexpr int64_t kMaxParts = 256;
constexpr int64_t kMaxGridZ = 65535;

// partial [outer, parts, cols]: the sum of the part's rows, for each column.
__global__ void column_partials(const float* x, const float* weight, const float* row_mean,
                                const float* row_rstd, int64_t outer, int64_t rows, int64_t cols,
                                int64_t rows_per_part, double* partial) {
  __shared__ double lane_sums[kRowLanes][kColumnTile + 1];
  const int64_t c = blockIdx.x * static_cast<int64_t>(kColumnTile) + threadIdx.x;
  const int64_t part = blockIdx.y, parts = gridDim.y;
  const int64_t r0 = part * rows_per_part;
  const int64_t r1 = r0 + rows_per_part < rows ? r0 + rows_per_part : rows;
  for (int64_t o = blockIdx.z; o < outer; o += gridDim.z) {
    double s = 0.0;
    if (c < cols) {
      for (int64_t r = r0 + threadIdx.y; r < r1; r += kRowLanes) {
        const int64_t i = (o * rows + r) * cols + c;
        double v = x[i];
        if (weight) {
          double w = weight[i];
          if (row_mean)
            w = (w - row_mean[o * rows + r]) * static_cast<double>(row_rstd[o * rows + r]);
          v *= w;
        }
        s += v;
      }
    }
    lane_sums[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
      double total = 0.0;
      for (int j = 0; j < kRowLanes; ++j)
        total += lane_sums[j][threadIdx.x];
      partial[(o * parts + part) * cols + c] = total;
    }
    __syncthreads();
  }
}

__global__ void column_finish(const double* partial, int64_t outer, int64_t parts, int64_t cols,
                              double scale, bool accumulate, float* out) {
  const int64_t count = outer * cols;
  for (int64_t i = detail::grid_first(); i < count; i += detail::grid_step()) {
    const int64_t o = i / cols, c = i % cols;
    double total = 0.0;
    for (int64_t p = 0; p < parts; ++p)
      total += partial[(o * parts + p) * cols + c];
    total *= scale;
    out[i] = accumulate ? static_cast<float>(out[i] + total) : static_cast<float>(total);
  }
}

// cols == 1: each outer index sums one contiguous row, a block per row.
__global__ void row_totals(const float* x, int64_t outer, int64_t rows, double scale,
                           bool accumulate, float* out) {
  __shared__ double scratch[32];
  for (int64_t o = blockIdx.x; o < outer; o += gridDim.x) {
    double s = 0.0;
    for (int64_t r = threadIdx.x; r < rows; r += blockDim.x)
      s += x[o * rows + r];
    s = block_sum(s, scratch) * scale;
    if (threadIdx.x == 0)
      out[o] = accumulate ? static_cast<float>(out[o] + s) : static_cast<float>(s);
  }
}

__global__ void block_totals(const float* x, int64_t n, double* partial) {
  __shared__ double scratch[32];
  double s = 0.0;
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step())
    s += x[i];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__global__ void finish_total(const double* partial, int64_t count, double* out) {
  __shared__ double scratch[32];
  double s = 0.0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x)
    s += partial[i];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) *out = s;
}

// Device storage for `count` doubles.
DeviceBuffer double_buffer(int64_t count) {
  return DeviceBuffer(2 * count);
}

}  // namespace

void column_sums(const float* x, const float* weight, const float* row_mean, const float* row_rstd,
                 int64_t outer, int64_t rows, int64_t cols, double scale, bool accumulate,
                 float* out) {
  if (outer <= 0 || cols <= 0) return;
  if (rows == 0) {
    // Empty sums are zero.
    if (!accumulate) device_fill(out, 0.0f, outer * cols);
    return;
  }
  if (cols == 1 && !weight) {
    const auto blocks = static_cast<unsigned>(std::min<int64_t>(outer, 65535));
    row_totals<<<blocks, kThreads>>>(x, outer, rows, scale, accumulate, out);
    check_launch("column_sums (rows)");
    return;
  }
  // Parts of at least 256 rows, so each lane sums 32 or more.
  const int64_t parts = std::clamp<int64_t>(rows / 256, 1, kMaxParts);
  const int64_t rows_per_part = (rows + parts - 1) / parts;
  DeviceBuffer partial = double_buffer(outer * parts * cols);
  auto* partial_sums = reinterpret_cast<double*>(partial.data());
  const dim3 grid(static_cast<unsigned>((cols + kColumnTile - 1) / kColumnTile),
                  static_cast<unsigned>(parts), static_cast<unsigned>(std::min(outer, kMaxGridZ)));
  column_partials<<<grid, dim3(kColumnTile, kRowLanes)>>>(x, weight, row_mean, row_rstd, outer,
                                                          rows, cols, rows_per_part, partial_sums);
  check_launch("column_sums (parts)");
  column_finish<<<grid_for(outer * cols), kThreads>>>(partial_sums, outer, parts, cols, scale,
                                                      accumulate, out);
  check_launch("column_sums (finish)");
}

double total_sum(const float* x, int64_t n) {
  if (n <= 0) return 0.0;
  const auto blocks = static_cast<int64_t>(std::min<unsigned>(grid_for(n), 1024));
  DeviceBuffer partial = double_buffer(blocks + 1);
  auto* sums = reinterpret_cast<double*>(partial.data());
  block_totals<<<static_cast<unsigned>(blocks), kThreads>>>(x, n, sums);
  check_launch("sum (blocks)");
  finish_total<<<1, kThreads>>>(sums, blocks, sums + blocks);
  check_launch("sum (finish)");
  double result = 0.0;
  check(cudaMemcpy(&result, sums + blocks, sizeof(double), cudaMemcpyDeviceToHost), "sum");
  return result;
}

}  // namespace kernels::cuda::detail
