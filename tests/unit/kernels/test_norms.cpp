#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finite_difference.h"
#include "golden.h"
#include "kernels/cpu/norms.h"

namespace {

using neuroseq_test::close_to;
using neuroseq_test::golden_array;
using neuroseq_test::matches_golden;
using neuroseq_test::numeric_gradient;

// Double reference of LayerNorm, from the definition.
std::vector<double> layer_norm_ref(const std::vector<double>& x, const std::vector<double>& gamma,
                                   const std::vector<double>& beta, int rows, int cols,
                                   double eps) {
  std::vector<double> y(x.size());
  for (int r = 0; r < rows; ++r) {
    double mean = 0.0, var = 0.0;
    for (int c = 0; c < cols; ++c)
      mean += x[r * cols + c] / cols;
    for (int c = 0; c < cols; ++c)
      var += (x[r * cols + c] - mean) * (x[r * cols + c] - mean) / cols;
    for (int c = 0; c < cols; ++c)
      y[r * cols + c] = (x[r * cols + c] - mean) / std::sqrt(var + eps) * gamma[c] + beta[c];
  }
  return y;
}

double dot(const std::vector<double>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

std::vector<float> pattern(int n, float a, float b, float offset = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    v[static_cast<size_t>(i)] = offset + std::sin(a * static_cast<float>(i) + b) *
                                             (1.0f + 0.3f * static_cast<float>(i % 3));
  return v;
}

TEST(LayerNormKernel, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("layer_norm.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto x = golden_array(in.at("x"));
  const int rows = static_cast<int>(x.shape[0]), cols = static_cast<int>(x.shape[1]);
  const auto xf = x.floats();
  const auto gamma = golden_array(in.at("weight")).floats();
  const auto beta = golden_array(in.at("bias")).floats();
  const auto dy = golden_array(in.at("dy")).floats();
  const float eps = in.at("eps").get<float>();

  std::vector<float> y(xf.size()), mean(rows), rstd(rows), dx(xf.size());
  std::vector<float> dgamma(cols, 0.0f), dbeta(cols, 0.0f);
  kernels::cpu::layer_norm_forward(xf.data(), gamma.data(), beta.data(), rows, cols, eps, y.data(),
                                   mean.data(), rstd.data());
  kernels::cpu::layer_norm_backward(xf.data(), gamma.data(), mean.data(), rstd.data(), dy.data(),
                                    rows, cols, dx.data(), dgamma.data(), dbeta.data());
  const auto& out = golden.at("outputs");
  const auto as_double = [](const std::vector<float>& v) {
    return std::vector<double>(v.begin(), v.end());
  };
  EXPECT_TRUE(matches_golden("y", as_double(y), golden_array(out.at("y")), tol));
  EXPECT_TRUE(matches_golden("dx", as_double(dx), golden_array(out.at("dx")), tol));
  EXPECT_TRUE(matches_golden("dweight", as_double(dgamma), golden_array(out.at("dweight")), tol));
  EXPECT_TRUE(matches_golden("dbias", as_double(dbeta), golden_array(out.at("dbias")), tol));
}

TEST(LayerNormKernel, BackwardMatchesFiniteDifferencesOfDoubleReference) {
  const int rows = 3, cols = 7;
  const double eps = 1e-5;
  const auto x = pattern(rows * cols, 0.9f, 0.2f, 0.4f);
  const auto gamma = pattern(cols, 1.3f, 1.0f, 1.0f);
  const auto beta = pattern(cols, 0.7f, -0.4f);
  const auto dy = pattern(rows * cols, 2.1f, 0.5f);
  std::vector<float> y(x.size()), mean(rows), rstd(rows), dx(x.size());
  // Accumulates: start the parameter gradients away from zero.
  std::vector<float> dgamma(cols, 0.5f), dbeta(cols, -0.25f);
  kernels::cpu::layer_norm_forward(x.data(), gamma.data(), beta.data(), rows, cols,
                                   static_cast<float>(eps), y.data(), mean.data(), rstd.data());
  kernels::cpu::layer_norm_backward(x.data(), gamma.data(), mean.data(), rstd.data(), dy.data(),
                                    rows, cols, dx.data(), dgamma.data(), dbeta.data());

  const std::vector<double> xd(x.begin(), x.end()), gd(gamma.begin(), gamma.end()),
      bd(beta.begin(), beta.end());
  EXPECT_TRUE(
      close_to("y", {y.begin(), y.end()}, layer_norm_ref(xd, gd, bd, rows, cols, eps), 1e-6, 1e-6));
  const auto num_x = numeric_gradient(
      [&](const std::vector<double>& v) {
        return dot(layer_norm_ref(v, gd, bd, rows, cols, eps), dy);
      },
      xd);
  const auto num_g = numeric_gradient(
      [&](const std::vector<double>& v) {
        return dot(layer_norm_ref(xd, v, bd, rows, cols, eps), dy);
      },
      gd);
  const auto num_b = numeric_gradient(
      [&](const std::vector<double>& v) {
        return dot(layer_norm_ref(xd, gd, v, rows, cols, eps), dy);
      },
      bd);
  for (int c = 0; c < cols; ++c) {
    dgamma[c] -= 0.5f;
    dbeta[c] += 0.25f;
  }
  EXPECT_TRUE(close_to("dx", {dx.begin(), dx.end()}, num_x));
  EXPECT_TRUE(close_to("dgamma", {dgamma.begin(), dgamma.end()}, num_g));
  EXPECT_TRUE(close_to("dbeta", {dbeta.begin(), dbeta.end()}, num_b));
}

TEST(LayerNormKernel, LargeOffsetDoesNotCancelTheVariance) {
  // E[x^2] - E[x]^2 in float would lose every digit of the variance here.
  const int cols = 8;
  const auto x = pattern(cols, 0.8f, 0.1f, 1000.0f);
  std::vector<float> y(cols), mean(1), rstd(1);
  kernels::cpu::layer_norm_forward(x.data(), nullptr, nullptr, 1, cols, 1e-5f, y.data(),
                                   mean.data(), rstd.data());
  const std::vector<double> xd(x.begin(), x.end());
  const auto want = layer_norm_ref(xd, std::vector<double>(cols, 1.0),
                                   std::vector<double>(cols, 0.0), 1, cols, 1e-5);
  EXPECT_TRUE(close_to("y", {y.begin(), y.end()}, want, 1e-5, 1e-5));
}

// Double reference of softmax over rows.
std::vector<double> softmax_ref(const std::vector<double>& x, int rows, int cols) {
  std::vector<double> y(x.size());
  for (int r = 0; r < rows; ++r) {
    double m = x[r * cols], s = 0.0;
    for (int c = 1; c < cols; ++c)
      m = std::max(m, x[r * cols + c]);
    for (int c = 0; c < cols; ++c)
      s += std::exp(x[r * cols + c] - m);
    for (int c = 0; c < cols; ++c)
      y[r * cols + c] = std::exp(x[r * cols + c] - m) / s;
  }
  return y;
}

TEST(SoftmaxKernel, MatchesReferenceAndSurvivesLargeLogits) {
  const int rows = 3, cols = 5;
  auto x = pattern(rows * cols, 1.7f, 0.3f);
  for (int c = 0; c < cols; ++c)
    x[2 * cols + c] += 1000.0f;  // exp(1000) overflows without the shift
  std::vector<float> y(x.size());
  kernels::cpu::softmax_forward(x.data(), rows, cols, y.data());
  EXPECT_TRUE(close_to("softmax", {y.begin(), y.end()},
                       softmax_ref({x.begin(), x.end()}, rows, cols), 1e-6, 1e-7));
  for (int r = 0; r < rows; ++r) {
    double s = 0.0;
    for (int c = 0; c < cols; ++c)
      s += y[r * cols + c];
    EXPECT_NEAR(s, 1.0, 1e-6);
  }
  // In place.
  kernels::cpu::softmax_forward(x.data(), rows, cols, x.data());
  EXPECT_EQ(x, y);
}

TEST(SoftmaxKernel, BackwardMatchesFiniteDifferencesOfDoubleReference) {
  const int rows = 4, cols = 6;
  const auto x = pattern(rows * cols, 1.1f, -0.6f);
  const auto dy = pattern(rows * cols, 2.3f, 0.9f);
  std::vector<float> y(x.size()), dx(x.size());
  kernels::cpu::softmax_forward(x.data(), rows, cols, y.data());
  kernels::cpu::softmax_backward(y.data(), dy.data(), rows, cols, dx.data());
  const auto num = numeric_gradient(
      [&](const std::vector<double>& v) { return dot(softmax_ref(v, rows, cols), dy); },
      {x.begin(), x.end()});
  EXPECT_TRUE(close_to("softmax dx", {dx.begin(), dx.end()}, num));
}

}  // namespace
