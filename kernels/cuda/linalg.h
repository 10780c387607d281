#pragma once
// GEMM on CUDA device buffers through cuBLAS, with the row-major convention of
// kernels/cpu/linalg.h: C [m, n] = alpha op(A) op(B) + beta C, op(A) [m, k]
// (A stored [k, m] when transpose_a), op(B) [k, n] (B stored [n, k] when
// transpose_b), leading dimensions those of the stored matrices. With
// beta = 0, C is not read (NaNs in it do not propagate).

#include <cstdint>

namespace kernels::cuda {

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc);
// Contiguous operands.
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, const float* b, float beta, float* c);

}  // namespace kernels::cuda
