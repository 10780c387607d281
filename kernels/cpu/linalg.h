#pragma once
// Small dense linear algebra on raw buffers: least squares and projections for
// nuisance regression, atlas extraction and the GLM (double precision, where
// the regressors can be nearly collinear), and a float GEMM for the models.
//
// All matrices are row-major and contiguous unless a leading dimension says
// otherwise.

#include <cstdint>
#include <span>
#include <vector>

namespace kernels::cpu {

// Householder QR with column pivoting (Businger-Golub) of A [rows, cols]:
// A P = Q R. Pivoting makes |R_jj| non-increasing, so the numerical rank is
// the number of leading diagonal entries above the tolerance, and columns of
// A that are (nearly) combinations of others are dropped rather than blowing
// up the solution.
class PivotedQr {
 public:
  // `a` is [rows, cols] row-major. A column is kept while its remaining norm,
  // which becomes |R_jj|, exceeds `rank_tolerance`. A negative tolerance means
  // max(rows, cols) * machine epsilon * |R_00| (numpy.linalg.matrix_rank's).
  PivotedQr(const double* a, int64_t rows, int64_t cols, double rank_tolerance = -1.0);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t rank() const { return rank_; }
  // Column j of A P is column permutation()[j] of A; the first rank() are kept.
  std::span<const int64_t> permutation() const { return permutation_; }
  // |R_jj| for the kept columns, non-increasing.
  std::vector<double> diagonal_magnitudes() const;

  // x [cols, m] minimising ||A x - b|| for each of the m columns of b
  // [rows, m]. Coefficients of dropped columns are zero (the basic solution).
  void solve(const double* b, int64_t m, double* x) const;

  // y [rows, m] in place: y -= Q_r Q_r^T y, which leaves each column of y
  // orthogonal to the column space of A.
  void residualize(double* y, int64_t m) const;

  // (A^T A)^-1 restricted to the kept columns, scattered back to [cols, cols]
  // in A's column order; rows and columns of dropped columns are zero. Scaled
  // by the residual variance it is the covariance of the coefficients.
  std::vector<double> unscaled_covariance() const;

 private:
  // Applies H_0 ... H_{rank-1} (Q^T) or their reverse (Q) to y [rows, m].
  void apply_qt(double* y, int64_t m) const;
  void apply_q(double* y, int64_t m) const;
  // y <- H_j y, with `s` as [m] scratch.
  void reflect(int64_t j, double* y, int64_t m, std::vector<double>& s) const;
  double r(int64_t i, int64_t j) const { return factor_[static_cast<size_t>(j * rows_ + i)]; }

  int64_t rows_ = 0;
  int64_t cols_ = 0;
  int64_t rank_ = 0;
  // Column-major [cols][rows]: R on and above the diagonal, the Householder
  // vectors (with an implicit leading 1) below it.
  std::vector<double> factor_;
  std::vector<double> tau_;  // [rank]
  std::vector<int64_t> permutation_;
};

// One-shot forms of the above. Both return the numerical rank of A.
int64_t least_squares(const double* a, int64_t rows, int64_t cols, const double* b, int64_t m,
                      double* x, double rank_tolerance = -1.0);
int64_t residualize(const double* a, int64_t rows, int64_t cols, double* y, int64_t m,
                    double rank_tolerance = -1.0);

// C [m, n] = alpha * op(A) op(B) + beta * C, row-major, through OpenBLAS.
// op(A) is [m, k]: A is stored [m, k], or [k, m] when transpose_a. Likewise
// op(B) is [k, n]: B is stored [k, n], or [n, k] when transpose_b. The leading
// dimensions are those of the stored matrices (elements between rows).
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc);
// Contiguous operands.
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, const float* b, float beta, float* c);

}  // namespace kernels::cpu
