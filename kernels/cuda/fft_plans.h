#pragma once
// Batched real FFTs along rows, through cuFFT plans made once per (size,
// batch) and kept for the life of the process.
//
// A row holds n real values in place of its n/2 + 1 complex bins, so rows are
// `fft_row_stride(n)` = 2 (n/2 + 1) floats apart and the transforms run in
// place. Neither transform scales: inverse(forward(x)) = n x.

#include <cstdint>

namespace kernels::cuda::detail {

inline int64_t fft_row_stride(int64_t n) {
  return 2 * (n / 2 + 1);
}

// rows [batch, stride]: the first n floats of each row become its n/2 + 1
// complex bins.
void fft_rows_forward(int64_t n, int64_t batch, float* rows);
// The inverse: n/2 + 1 bins per row back to n real values (the bins are
// overwritten).
void fft_rows_inverse(int64_t n, int64_t batch, float* rows);

}  // namespace kernels::cuda::detail
