// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, and a
// row-major matrix is its transpose seen column-major with the same leading
// dimension: so cuBLAS is called with the operands swapped and m, n swapped,
// and no data moves.

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/grid_stride.cuh"
#include "kernels/cuda/linalg.h"

namespace kernels::cuda {

namespace {

void check_blas(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string("gemm (cuda): ") + what + ": " +
                           cublasGetStatusString(status));
}

// One handle per host thread (a handle must not be used by two threads at
// once), made on first use and kept until the thread ends. Default math mode:
// full float32, no TF32 tensor cores, to match the CPU to rounding.
cublasHandle_t blas_handle() {
  struct Handle {
    cublasHandle_t handle = nullptr;
    Handle() {
      check_blas(cublasCreate(&handle), "cublasCreate");
      check_blas(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    }
    ~Handle() { cublasDestroy(handle); }
  };
  thread_local Handle h;
  return h.handle;
}

int to_blas(int64_t v) {
  if (v > INT_MAX)
    throw std::invalid_argument("gemm (cuda): a dimension exceeds cuBLAS's int range");
  return static_cast<int>(v);
}

// C = beta C, or 0 when beta == 0 (C is not read then), for k == 0.
__global__ void scale_matrix(float* c, int64_t m, int64_t n, int64_t ldc, float beta) {
  for (int64_t i = detail::grid_first(); i < m * n; i += detail::grid_step()) {
    float& cij = c[(i / n) * ldc + i % n];
    cij = beta == 0.0f ? 0.0f : beta * cij;
  }
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  if (m < 0 || n < 0 || k < 0) throw std::invalid_argument("gemm (cuda): negative matrix size");
  if (m == 0 || n == 0) return;
  if (k == 0) {
    scale_matrix<<<detail::grid_for(m * n), detail::kThreads>>>(c, m, n, ldc, beta);
    detail::check_launch("gemm (cuda): k = 0");
    return;
  }
  const int64_t a_cols = transpose_a ? m : k;
  const int64_t b_cols = transpose_b ? k : n;
  if (lda < a_cols || ldb < b_cols || ldc < n) {
    throw std::invalid_argument("gemm (cuda): a leading dimension is smaller than its row length");
  }
  check_blas(
      cublasSgemm(blas_handle(), transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                  transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N, to_blas(n), to_blas(m), to_blas(k),
                  &alpha, b, to_blas(ldb), a, to_blas(lda), &beta, c, to_blas(ldc)),
      "cublasSgemm");
}

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, const float* b, float beta, float* c) {
  gemm(transpose_a, transpose_b, m, n, k, alpha, a, transpose_a ? m : k, b, transpose_b ? k : n,
       beta, c, n);
}

}  // namespace kernels::cuda
