#pragma once
// Batched real FFTs along rows, through cuFFT plans made once per (size,
// batch) and kept for the life of the process.
//
// Out of place: real rows of n values are `real_row_stride(n)` floats apart
// (a multiple of 32, so every row starts on a 128-byte boundary and the
// transposes that fill and read them move whole cache lines); their n/2 + 1
// complex bins are packed row after row in a separate buffer. Neither
// transform scales: inverse(forward(x)) = n x.

#include <cuda_runtime.h>

#include <cstdint>

namespace kernels::cuda::detail {

inline int64_t real_row_stride(int64_t n) {
  return (n + 31) / 32 * 32;
}

inline int64_t spectrum_bins(int64_t n) {
  return n / 2 + 1;
}

// rows [batch, real_row_stride(n)] -> bins [batch, n/2 + 1]. The rows are
// left as they were.
void fft_rows_forward(int64_t n, int64_t batch, const float* rows, float2* bins);
// bins [batch, n/2 + 1] -> rows [batch, real_row_stride(n)] (the first n of
// each row). The bins are overwritten.
void fft_rows_inverse(int64_t n, int64_t batch, float2* bins, float* rows);

}  // namespace kernels::cuda::detail
