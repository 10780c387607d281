#include "kernels/cpu/linalg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using kernels::cpu::PivotedQr;

std::vector<double> random_matrix(int64_t rows, int64_t cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> m(static_cast<size_t>(rows * cols));
  for (double& v : m)
    v = u(rng);
  return m;
}

// A^T B for A [n, k], B [n, m], in long double.
std::vector<long double> gram(const std::vector<double>& a, const std::vector<double>& b, int64_t n,
                              int64_t k, int64_t m) {
  std::vector<long double> g(static_cast<size_t>(k * m), 0.0L);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t p = 0; p < k; ++p) {
      for (int64_t q = 0; q < m; ++q) {
        g[static_cast<size_t>(p * m + q)] += static_cast<long double>(a[i * k + p]) * b[i * m + q];
      }
    }
  }
  return g;
}

// Solves S X = R (S [k, k], R [k, m]) by Gauss-Jordan with partial pivoting.
std::vector<long double> solve_dense(std::vector<long double> s, std::vector<long double> r,
                                     int64_t k, int64_t m) {
  for (int64_t c = 0; c < k; ++c) {
    int64_t pivot = c;
    for (int64_t i = c + 1; i < k; ++i) {
      if (std::fabs(s[i * k + c]) > std::fabs(s[pivot * k + c])) pivot = i;
    }
    for (int64_t j = 0; j < k; ++j)
      std::swap(s[c * k + j], s[pivot * k + j]);
    for (int64_t j = 0; j < m; ++j)
      std::swap(r[c * m + j], r[pivot * m + j]);
    for (int64_t i = 0; i < k; ++i) {
      if (i == c) continue;
      const long double f = s[i * k + c] / s[c * k + c];
      for (int64_t j = 0; j < k; ++j)
        s[i * k + j] -= f * s[c * k + j];
      for (int64_t j = 0; j < m; ++j)
        r[i * m + j] -= f * r[c * m + j];
    }
  }
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < m; ++j)
      r[i * m + j] /= s[i * k + i];
  }
  return r;
}

std::vector<double> multiply(const std::vector<double>& a, const std::vector<double>& x, int64_t n,
                             int64_t k, int64_t m) {
  std::vector<double> y(static_cast<size_t>(n * m), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t p = 0; p < k; ++p) {
      for (int64_t q = 0; q < m; ++q)
        y[i * m + q] += a[i * k + p] * x[p * m + q];
    }
  }
  return y;
}

double max_abs(const std::vector<long double>& v) {
  long double best = 0;
  for (long double x : v)
    best = std::max(best, std::fabs(x));
  return static_cast<double>(best);
}

TEST(LeastSquares, MatchesNormalEquationsOnWellConditionedProblem) {
  const int64_t n = 60, k = 6, m = 3;
  const auto a = random_matrix(n, k, 1);
  const auto b = random_matrix(n, m, 2);
  std::vector<double> x(static_cast<size_t>(k * m));
  EXPECT_EQ(kernels::cpu::least_squares(a.data(), n, k, b.data(), m, x.data()), k);
  const auto reference = solve_dense(gram(a, a, n, k, k), gram(a, b, n, k, m), k, m);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(x[i], static_cast<double>(reference[i]), 1e-12 * (1.0 + std::fabs(x[i])));
  }
}

TEST(LeastSquares, RecoversTheSolutionOfAConsistentSystem) {
  const int64_t n = 25, k = 5, m = 2;
  const auto a = random_matrix(n, k, 3);
  const auto truth = random_matrix(k, m, 4);
  const auto b = multiply(a, truth, n, k, m);
  std::vector<double> x(static_cast<size_t>(k * m));
  kernels::cpu::least_squares(a.data(), n, k, b.data(), m, x.data());
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(x[i], truth[i], 1e-13);
}

TEST(LeastSquares, SquareSystemIsSolvedExactly) {
  // [[2, 1], [1, 3]] x = [3, 5] has x = [0.8, 1.4].
  const std::vector<double> a = {2, 1, 1, 3};
  const std::vector<double> b = {3, 5};
  std::vector<double> x(2);
  kernels::cpu::least_squares(a.data(), 2, 2, b.data(), 1, x.data());
  EXPECT_NEAR(x[0], 0.8, 1e-15);
  EXPECT_NEAR(x[1], 1.4, 1e-15);
}

TEST(Residualize, ResidualIsOrthogonalToTheColumnsAndEqualsBMinusAx) {
  const int64_t n = 80, k = 7, m = 4;
  const auto a = random_matrix(n, k, 5);
  const auto y0 = random_matrix(n, m, 6);
  auto y = y0;
  EXPECT_EQ(kernels::cpu::residualize(a.data(), n, k, y.data(), m), k);
  EXPECT_LT(max_abs(gram(a, y, n, k, m)), 1e-13);

  std::vector<double> x(static_cast<size_t>(k * m));
  kernels::cpu::least_squares(a.data(), n, k, y0.data(), m, x.data());
  const auto fitted = multiply(a, x, n, k, m);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_NEAR(y[i], y0[i] - fitted[i], 1e-13);
}

TEST(Residualize, RemovesExactlyWhatTheColumnsExplain) {
  const int64_t n = 40, k = 3, m = 2;
  const auto a = random_matrix(n, k, 7);
  auto y = multiply(a, random_matrix(k, m, 8), n, k, m);
  kernels::cpu::residualize(a.data(), n, k, y.data(), m);
  for (double v : y)
    EXPECT_NEAR(v, 0.0, 1e-14);
}

TEST(PivotedQr, DropsDependentAndZeroColumns) {
  const int64_t n = 30, base = 3, k = 6, m = 2;
  const auto independent = random_matrix(n, base, 9);
  // Columns: c0, c1, c2, c0 + c1, 0, 2 * c2.
  std::vector<double> a(static_cast<size_t>(n * k));
  for (int64_t i = 0; i < n; ++i) {
    const double* r = independent.data() + i * base;
    const double row[] = {r[0], r[1], r[2], r[0] + r[1], 0.0, 2.0 * r[2]};
    std::copy(row, row + k, a.begin() + i * k);
  }
  const PivotedQr qr(a.data(), n, k);
  EXPECT_EQ(qr.rank(), base);

  const auto y0 = random_matrix(n, m, 10);
  auto y = y0;
  qr.residualize(y.data(), m);
  EXPECT_LT(max_abs(gram(a, y, n, k, m)), 1e-13);
  // The residual is the one from the independent columns alone.
  auto expected = y0;
  kernels::cpu::residualize(independent.data(), n, base, expected.data(), m);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_NEAR(y[i], expected[i], 1e-13);

  // The basic solution reproduces the fitted values and is zero off its support.
  std::vector<double> x(static_cast<size_t>(k * m));
  qr.solve(y0.data(), m, x.data());
  const auto fitted = multiply(a, x, n, k, m);
  for (size_t i = 0; i < fitted.size(); ++i)
    EXPECT_NEAR(fitted[i], y0[i] - expected[i], 1e-13);
  int zeros = 0;
  for (int64_t p = 0; p < k; ++p)
    zeros += (x[p * m] == 0.0 && x[p * m + 1] == 0.0);
  EXPECT_EQ(zeros, k - base);
  for (int64_t j = base; j < k; ++j) {
    const int64_t dropped = qr.permutation()[static_cast<size_t>(j)];
    EXPECT_EQ(x[dropped * m], 0.0);
  }
}

TEST(PivotedQr, DiagonalIsNonIncreasingAndPermutationIsComplete) {
  const int64_t n = 20, k = 5;
  auto a = random_matrix(n, k, 11);
  for (int64_t i = 0; i < n; ++i)
    a[i * k + 3] *= 100.0;  // forces a pivot
  const PivotedQr qr(a.data(), n, k);
  const auto d = qr.diagonal_magnitudes();
  ASSERT_EQ(d.size(), 5u);
  for (size_t j = 1; j < d.size(); ++j)
    EXPECT_LE(d[j], d[j - 1]);
  EXPECT_EQ(qr.permutation()[0], 3);
  std::vector<int64_t> sorted(qr.permutation().begin(), qr.permutation().end());
  std::sort(sorted.begin(), sorted.end());
  for (int64_t j = 0; j < k; ++j)
    EXPECT_EQ(sorted[static_cast<size_t>(j)], j);
}

TEST(PivotedQr, ToleranceDecidesWhatCountsAsDependent) {
  const int64_t n = 10, k = 2;
  auto a = random_matrix(n, k, 12);
  for (int64_t i = 0; i < n; ++i)
    a[i * k + 1] *= 1e-9;
  EXPECT_EQ(PivotedQr(a.data(), n, k).rank(), 2);
  EXPECT_EQ(PivotedQr(a.data(), n, k, 1e-6).rank(), 1);
  EXPECT_EQ(PivotedQr(a.data(), n, k, 1e3).rank(), 0);
}

TEST(PivotedQr, WideMatrixSpansEverything) {
  const int64_t n = 4, k = 7, m = 3;
  const auto a = random_matrix(n, k, 13);
  auto y = random_matrix(n, m, 14);
  EXPECT_EQ(kernels::cpu::residualize(a.data(), n, k, y.data(), m), n);
  for (double v : y)
    EXPECT_NEAR(v, 0.0, 1e-14);
}

TEST(PivotedQr, EmptyDesignLeavesDataAlone) {
  const int64_t n = 5, m = 2;
  const auto y0 = random_matrix(n, m, 15);
  auto y = y0;
  EXPECT_EQ(kernels::cpu::residualize(nullptr, n, 0, y.data(), m), 0);
  EXPECT_EQ(y, y0);
}

TEST(PivotedQr, UnscaledCovarianceInvertsTheGramMatrix) {
  const int64_t n = 50, k = 4;
  const auto a = random_matrix(n, k, 16);
  const auto cov = PivotedQr(a.data(), n, k).unscaled_covariance();
  std::vector<long double> identity(static_cast<size_t>(k * k), 0.0L);
  for (int64_t i = 0; i < k; ++i)
    identity[static_cast<size_t>(i * k + i)] = 1.0L;
  const auto reference = solve_dense(gram(a, a, n, k, k), identity, k, k);
  for (size_t i = 0; i < cov.size(); ++i) {
    EXPECT_NEAR(cov[i], static_cast<double>(reference[i]), 1e-12);
  }
}

TEST(PivotedQr, UnscaledCovarianceIsZeroForDroppedColumns) {
  const int64_t n = 12, k = 3;
  auto a = random_matrix(n, k, 17);
  for (int64_t i = 0; i < n; ++i)
    a[i * k + 1] = a[i * k + 0];
  const auto cov = PivotedQr(a.data(), n, k).unscaled_covariance();
  int zero_rows = 0;
  for (int64_t i = 0; i < k; ++i) {
    bool all_zero = true;
    for (int64_t j = 0; j < k; ++j)
      all_zero = all_zero && cov[i * k + j] == 0.0;
    zero_rows += all_zero;
  }
  EXPECT_EQ(zero_rows, 1);
}

struct GemmCase {
  bool ta, tb;
  int64_t m = 7, n = 5, k = 9;
};

// Test names: NN_7x5x9 and the like.
std::string gemm_case_name(const ::testing::TestParamInfo<GemmCase>& info) {
  const auto& c = info.param;
  return std::string(c.ta ? "T" : "N") + (c.tb ? "T" : "N") + "_" + std::to_string(c.m) + "x" +
         std::to_string(c.n) + "x" + std::to_string(c.k);
}

class Gemm : public ::testing::TestWithParam<GemmCase> {};

TEST_P(Gemm, MatchesTripleLoop) {
  // The large cases pass the size above which the product is cut into blocks
  // of C for the thread pool: along the rows when m >= n, along the columns
  // otherwise, with a last block shorter than the others.
  const auto [ta, tb, m, n, k] = GetParam();
  // Stored shapes with padding so the leading dimensions matter.
  const int64_t a_rows = ta ? k : m, a_cols = ta ? m : k, lda = a_cols + 3;
  const int64_t b_rows = tb ? n : k, b_cols = tb ? k : n, ldb = b_cols + 2;
  const int64_t ldc = n + 1;
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(a_rows * lda)), b(static_cast<size_t>(b_rows * ldb)),
      c(static_cast<size_t>(m * ldc));
  for (float& v : a)
    v = u(rng);
  for (float& v : b)
    v = u(rng);
  for (float& v : c)
    v = u(rng);
  const auto c0 = c;
  const float alpha = 0.75f, beta = -0.5f;
  kernels::cpu::gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int64_t p = 0; p < k; ++p) {
        const float aip = ta ? a[p * lda + i] : a[i * lda + p];
        const float bpj = tb ? b[j * ldb + p] : b[p * ldb + j];
        sum += static_cast<double>(aip) * bpj;
      }
      const double expected = alpha * sum + beta * static_cast<double>(c0[i * ldc + j]);
      EXPECT_NEAR(c[i * ldc + j], expected, 1e-5 + 1e-6 * static_cast<double>(k));
    }
    // Padding between rows of C is untouched.
    EXPECT_EQ(c[i * ldc + n], c0[i * ldc + n]);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, Gemm,
                         ::testing::Values(GemmCase{false, false}, GemmCase{true, false},
                                           GemmCase{false, true}, GemmCase{true, true},
                                           GemmCase{false, false, 230, 70, 100},
                                           GemmCase{true, true, 230, 70, 100},
                                           GemmCase{false, true, 70, 230, 100},
                                           GemmCase{true, false, 70, 230, 100}),
                         gemm_case_name);

TEST(GemmContiguous, MatchesKnownProduct) {
  // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
  const std::vector<float> a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
  std::vector<float> c(4, 0.0f);
  kernels::cpu::gemm(false, false, 2, 2, 2, 1.0f, a.data(), b.data(), 0.0f, c.data());
  EXPECT_EQ(c, (std::vector<float>{19, 22, 43, 50}));
}

TEST(GemmContiguous, EmptyInnerDimensionScalesC) {
  std::vector<float> c = {1, 2, 3, 4};
  kernels::cpu::gemm(false, false, 2, 2, 0, 1.0f, nullptr, nullptr, 2.0f, c.data());
  EXPECT_EQ(c, (std::vector<float>{2, 4, 6, 8}));
}

}  // namespace
