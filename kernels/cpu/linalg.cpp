#include "kernels/cpu/linalg.h"

#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "kernels/cpu/thread_pool.h"

namespace kernels::cpu {

namespace {

size_t index(int64_t i) {
  return static_cast<size_t>(i);
}

void check_shape(int64_t rows, int64_t cols, const char* what) {
  if (rows < 0 || cols < 0) {
    throw std::invalid_argument(std::string(what) + ": negative matrix size");
  }
}

blasint to_blas(int64_t v) {
  if (v > static_cast<int64_t>(std::numeric_limits<blasint>::max())) {
    throw std::invalid_argument("gemm: a dimension exceeds the BLAS integer range");
  }
  return static_cast<blasint>(v);
}

// Multiply-adds from which a GEMM is spread over the thread pool, and the
// size of its blocks along the longer side of C.
constexpr int64_t kGemmParallelWork = int64_t{1} << 20;
constexpr int64_t kGemmBlock = 64;

// OpenBLAS runs its own threads unless told otherwise; the kernels share one
// pool instead (thread_pool.h). Looked up at run time: another BLAS has no
// such switch and is left as it is.
void use_single_threaded_blas() {
  static std::once_flag once;
  std::call_once(once, [] {
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
      set(1);
    }
  });
}

}  // namespace

PivotedQr::PivotedQr(const double* a, int64_t rows, int64_t cols, double rank_tolerance)
    : rows_(rows), cols_(cols) {
  check_shape(rows, cols, "PivotedQr");
  // Column-major copy: every reflection walks down whole columns.
  factor_.resize(index(rows * cols));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j)
      factor_[index(j * rows + i)] = a[i * cols + j];
  }
  permutation_.resize(index(cols));
  std::iota(permutation_.begin(), permutation_.end(), int64_t{0});

  auto column = [&](int64_t j) { return factor_.data() + j * rows; };
  const int64_t steps = std::min(rows, cols);
  double tolerance = rank_tolerance;
  for (int64_t j = 0; j < steps; ++j) {
    // Remaining norms are recomputed rather than downdated: the downdate loses
    // all accuracy exactly in the nearly-dependent case that matters here, and
    // the recomputation costs no more than the reflections themselves.
    int64_t best = j;
    double best_norm = -1.0;
    for (int64_t c = j; c < cols; ++c) {
      const double* col = column(c);
      double sum = 0.0;
      for (int64_t i = j; i < rows; ++i)
        sum += col[i] * col[i];
      const double norm = std::sqrt(sum);
      if (norm > best_norm) {
        best_norm = norm;
        best = c;
      }
    }
    if (j == 0 && tolerance < 0.0) {
      tolerance = static_cast<double>(std::max(rows, cols)) *
                  std::numeric_limits<double>::epsilon() * best_norm;
    }
    if (!(best_norm > tolerance)) break;
    if (best != j) {
      std::swap_ranges(column(j), column(j) + rows, column(best));
      std::swap(permutation_[index(j)], permutation_[index(best)]);
    }

    // Reflector H = I - tau v v^T with v_j = 1 mapping x = A[j:, j] onto
    // beta e_j (LAPACK's dlarfg convention; beta's sign avoids cancellation).
    double* x = column(j);
    double tail = 0.0;
    for (int64_t i = j + 1; i < rows; ++i)
      tail += x[i] * x[i];
    double tau = 0.0;
    if (tail > 0.0) {
      const double alpha = x[j];
      const double beta = -std::copysign(std::sqrt(alpha * alpha + tail), alpha);
      tau = (beta - alpha) / beta;
      const double scale = 1.0 / (alpha - beta);
      for (int64_t i = j + 1; i < rows; ++i)
        x[i] *= scale;
      x[j] = beta;
    }
    tau_.push_back(tau);
    if (tau != 0.0) {
      for (int64_t c = j + 1; c < cols; ++c) {
        double* y = column(c);
        double s = y[j];
        for (int64_t i = j + 1; i < rows; ++i)
          s += x[i] * y[i];
        s *= tau;
        y[j] -= s;
        for (int64_t i = j + 1; i < rows; ++i)
          y[i] -= s * x[i];
      }
    }
    rank_ = j + 1;
  }
}

std::vector<double> PivotedQr::diagonal_magnitudes() const {
  std::vector<double> d(index(rank_));
  for (int64_t j = 0; j < rank_; ++j)
    d[index(j)] = std::abs(r(j, j));
  return d;
}

void PivotedQr::reflect(int64_t j, double* y, int64_t m, std::vector<double>& s) const {
  const double tau = tau_[index(j)];
  if (tau == 0.0) return;
  const double* v = factor_.data() + j * rows_;
  // s = v^T y over rows j.. (v_j = 1); rows outer so y is read in memory order.
  std::copy(y + j * m, y + (j + 1) * m, s.begin());
  for (int64_t i = j + 1; i < rows_; ++i) {
    const double vi = v[i];
    const double* yi = y + i * m;
    for (int64_t c = 0; c < m; ++c)
      s[index(c)] += vi * yi[c];
  }
  for (int64_t c = 0; c < m; ++c)
    s[index(c)] *= tau;
  for (int64_t c = 0; c < m; ++c)
    y[j * m + c] -= s[index(c)];
  for (int64_t i = j + 1; i < rows_; ++i) {
    const double vi = v[i];
    double* yi = y + i * m;
    for (int64_t c = 0; c < m; ++c)
      yi[c] -= vi * s[index(c)];
  }
}

void PivotedQr::apply_qt(double* y, int64_t m) const {
  std::vector<double> s(index(m));
  for (int64_t j = 0; j < rank_; ++j)
    reflect(j, y, m, s);
}

void PivotedQr::apply_q(double* y, int64_t m) const {
  std::vector<double> s(index(m));
  for (int64_t j = rank_ - 1; j >= 0; --j)
    reflect(j, y, m, s);
}

void PivotedQr::solve(const double* b, int64_t m, double* x) const {
  check_shape(rows_, m, "PivotedQr::solve");
  std::vector<double> z(b, b + rows_ * m);  // [rows, m]
  apply_qt(z.data(), m);
  // Back-substitution R_r w = (Q^T b)_r; rows of z are reused for w.
  for (int64_t i = rank_ - 1; i >= 0; --i) {
    double* zi = z.data() + i * m;
    for (int64_t k = i + 1; k < rank_; ++k) {
      const double rik = r(i, k);
      const double* wk = z.data() + k * m;
      for (int64_t c = 0; c < m; ++c)
        zi[c] -= rik * wk[c];
    }
    const double rii = r(i, i);
    for (int64_t c = 0; c < m; ++c)
      zi[c] /= rii;
  }
  std::fill(x, x + cols_ * m, 0.0);
  for (int64_t i = 0; i < rank_; ++i) {
    std::copy(z.data() + i * m, z.data() + (i + 1) * m, x + permutation_[index(i)] * m);
  }
}

void PivotedQr::residualize(double* y, int64_t m) const {
  check_shape(rows_, m, "PivotedQr::residualize");
  apply_qt(y, m);
  std::fill(y, y + rank_ * m, 0.0);
  apply_q(y, m);
}

std::vector<double> PivotedQr::unscaled_covariance() const {
  const int64_t r_ = rank_;
  // Inverse of the upper-triangular R_r, column by column.
  std::vector<double> inv(index(r_ * r_), 0.0);  // [r, r] row-major
  for (int64_t j = 0; j < r_; ++j) {
    inv[index(j * r_ + j)] = 1.0 / r(j, j);
    for (int64_t i = j - 1; i >= 0; --i) {
      double sum = 0.0;
      for (int64_t k = i + 1; k <= j; ++k)
        sum += r(i, k) * inv[index(k * r_ + j)];
      inv[index(i * r_ + j)] = -sum / r(i, i);
    }
  }
  // (A P)^T (A P) = R^T R, so its inverse is R^-1 R^-T.
  std::vector<double> cov(index(cols_ * cols_), 0.0);
  for (int64_t a = 0; a < r_; ++a) {
    for (int64_t b = 0; b < r_; ++b) {
      double sum = 0.0;
      for (int64_t k = std::max(a, b); k < r_; ++k) {
        sum += inv[index(a * r_ + k)] * inv[index(b * r_ + k)];
      }
      cov[index(permutation_[index(a)] * cols_ + permutation_[index(b)])] = sum;
    }
  }
  return cov;
}

int64_t least_squares(const double* a, int64_t rows, int64_t cols, const double* b, int64_t m,
                      double* x, double rank_tolerance) {
  const PivotedQr qr(a, rows, cols, rank_tolerance);
  qr.solve(b, m, x);
  return qr.rank();
}

int64_t residualize(const double* a, int64_t rows, int64_t cols, double* y, int64_t m,
                    double rank_tolerance) {
  const PivotedQr qr(a, rows, cols, rank_tolerance);
  qr.residualize(y, m);
  return qr.rank();
}

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  if (m < 0 || n < 0 || k < 0) throw std::invalid_argument("gemm: negative matrix size");
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // Some BLAS builds return early on k == 0 without applying beta.
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        float& cij = c[i * ldc + j];
        cij = beta == 0.0f ? 0.0f : beta * cij;
      }
    }
    return;
  }
  const int64_t a_cols = transpose_a ? m : k;
  const int64_t b_cols = transpose_b ? k : n;
  if (lda < a_cols || ldb < b_cols || ldc < n) {
    throw std::invalid_argument("gemm: a leading dimension is smaller than its row length");
  }
  use_single_threaded_blas();
  const auto ta = transpose_a ? CblasTrans : CblasNoTrans;
  const auto tb = transpose_b ? CblasTrans : CblasNoTrans;
  auto block = [&](int64_t i0, int64_t rows, int64_t j0, int64_t cols) {
    // Rows i0.. of op(A) start at row i0 of A, or at its column i0 when
    // transposed; likewise the columns j0.. of op(B).
    const float* a0 = a + (transpose_a ? i0 : i0 * lda);
    const float* b0 = b + (transpose_b ? j0 * ldb : j0);
    cblas_sgemm(CblasRowMajor, ta, tb, to_blas(rows), to_blas(cols), to_blas(k), alpha, a0,
                to_blas(lda), b0, to_blas(ldb), beta, c + i0 * ldc + j0, to_blas(ldc));
  };
  // Large products are cut along the longer side of C into blocks of a fixed
  // size, so that the blocks (and their rounding) depend on the shape alone,
  // not on the number of threads.
  const bool split_rows = m >= n;
  const int64_t side = split_rows ? m : n;
  const int64_t blocks = (side + kGemmBlock - 1) / kGemmBlock;
  if (m * n * k < kGemmParallelWork || blocks < 2) {
    block(0, m, 0, n);
    return;
  }
  parallel_for(blocks, 0, [&](int64_t task, int) {
    const int64_t first = task * kGemmBlock, size = std::min(kGemmBlock, side - first);
    if (split_rows) {
      block(first, size, 0, n);
    } else {
      block(0, m, first, size);
    }
  });
}

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, const float* b, float beta, float* c) {
  gemm(transpose_a, transpose_b, m, n, k, alpha, a, transpose_a ? m : k, b, transpose_b ? k : n,
       beta, c, n);
}

}  // namespace kernels::cpu
