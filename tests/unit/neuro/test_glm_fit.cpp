// The first-level fit: OLS, the AR(1) estimate, prewhitening.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/cpu/linalg.h"
#include "neuro/glm/ar1.h"
#include "neuro/glm/glm_fit.h"

namespace {

// A block design of three states over 120 frames of 2 s, with drift and a
// constant (3 + 3 + 1 columns).
neuro::DesignMatrix block_design(int64_t frames = 120) {
  neuro::EventsTable events;
  const char* states[] = {"a", "b", "c"};
  for (int block = 0; block * 18.0 < frames * 2.0 - 1.0; ++block)
    events.events.push_back({block * 18.0, 12.0, states[block % 3], 0});
  return neuro::make_design_matrix(events, frames, 2.0);
}

// Y = X B (+ noise) for `columns` columns, B drawn from a fixed seed.
std::vector<double> synthesise(const neuro::DesignMatrix& x, const std::vector<double>& b,
                               int64_t columns) {
  const int64_t t_count = x.frames, k = x.columns();
  std::vector<double> y(static_cast<size_t>(t_count * columns), 0.0);  // [T, V]
  for (int64_t t = 0; t < t_count; ++t)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t v = 0; v < columns; ++v)
        y[static_cast<size_t>(t * columns + v)] +=
            x.at(t, j) * b[static_cast<size_t>(j * columns + v)];
  return y;
}

std::vector<double> ar1_noise(int64_t n, double rho, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> e(static_cast<size_t>(n));
  double previous = normal(rng) / std::sqrt(1.0 - rho * rho);  // stationary start
  for (auto& value : e) {
    value = rho * previous + normal(rng);
    previous = value;
  }
  return e;
}

TEST(GlmFit, OlsRecoversKnownBetasFromNoiselessData) {
  const auto design = block_design();
  const int64_t k = design.columns(), v = 5;
  ASSERT_EQ(k, 7);
  std::vector<double> b(static_cast<size_t>(k * v));
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = std::sin(1.7 * static_cast<double>(i)) * 3.0;
  const auto y = synthesise(design, b, v);
  for (auto model : {neuro::NoiseModel::ols, neuro::NoiseModel::ar1}) {
    neuro::GlmOptions options;
    options.noise_model = model;
    const auto fit = neuro::fit_glm(design, y, v, options);
    EXPECT_EQ(fit.rank, 7);
    EXPECT_EQ(fit.dof, 113.0);
    for (size_t i = 0; i < b.size(); ++i)
      EXPECT_NEAR(fit.betas[i], b[i], 1e-5);
    for (double s2 : fit.residual_variance)
      EXPECT_LT(s2, 1e-20);
  }
}

TEST(GlmFit, Ar1EstimateOfAnAr1Series) {
  const int64_t n = 2000;
  const auto noise = ar1_noise(n, 0.4, 11);
  const auto rho = neuro::estimate_ar1(noise, n, 1);
  EXPECT_NEAR(rho[0], 0.4, 0.05);
  // Through the fit (OLS residuals of a constant), and binned. A cosine
  // drift basis (62 cosines at this length) would take the low frequencies
  // that carry the autocorrelation and bias rho down (0.35 instead of 0.41 here), as it
  // does in nilearn.
  neuro::EventsTable none;
  neuro::DesignOptions constant_only;
  constant_only.high_pass_hz = 0;
  const auto design = neuro::make_design_matrix(none, n, 2.0, constant_only);
  const auto fit = neuro::fit_glm(design, noise, 1);
  EXPECT_NEAR(fit.rho_estimate[0], 0.4, 0.05);
  EXPECT_DOUBLE_EQ(fit.rho[0], std::trunc(fit.rho_estimate[0] * 100) / 100);
}

TEST(GlmFit, BinningTruncatesTowardZeroAndClamps) {
  EXPECT_DOUBLE_EQ(neuro::bin_ar1(0.457, 100), 0.45);
  EXPECT_DOUBLE_EQ(neuro::bin_ar1(-0.457, 100), -0.45);
  EXPECT_DOUBLE_EQ(neuro::bin_ar1(0.457, 0), 0.457);
  EXPECT_DOUBLE_EQ(neuro::bin_ar1(0.9999, 0), neuro::kMaxAr1);
  EXPECT_DOUBLE_EQ(neuro::bin_ar1(std::nan(""), 100), 0.0);
}

TEST(GlmFit, WhiteningAnAr1SeriesGivesItsInnovations) {
  const double rho = 0.6;
  std::vector<double> y = {1.0, 2.0, -0.5, 0.25};
  std::vector<double> w = y;
  neuro::whiten_ar1(w.data(), 4, 1, rho);
  EXPECT_DOUBLE_EQ(w[0], std::sqrt(1 - rho * rho) * 1.0);
  for (size_t t = 1; t < 4; ++t)
    EXPECT_DOUBLE_EQ(w[t], y[t] - rho * y[t - 1]);
  EXPECT_THROW(neuro::whiten_ar1(w.data(), 4, 1, 1.0), std::invalid_argument);
}

TEST(GlmFit, Ar1FitIsOlsOnWhitenedData) {
  const auto design = block_design(150);
  const int64_t k = design.columns(), v = 6, t_count = design.frames;
  std::vector<double> b(static_cast<size_t>(k * v), 0.0);
  for (int64_t j = 0; j < 3; ++j)
    for (int64_t c = 0; c < v; ++c)
      b[static_cast<size_t>(j * v + c)] = 1.0 + 0.5 * static_cast<double>(j - c);
  auto y = synthesise(design, b, v);
  for (int64_t c = 0; c < v; ++c) {
    const auto e = ar1_noise(t_count, 0.1 * static_cast<double>(c), 100 + c);
    for (int64_t t = 0; t < t_count; ++t)
      y[static_cast<size_t>(t * v + c)] += e[static_cast<size_t>(t)];
  }
  const auto fit = neuro::fit_glm(design, y, v);
  ASSERT_EQ(fit.noise_model, neuro::NoiseModel::ar1);
  for (int64_t c = 0; c < v; ++c) {
    // By hand: whiten X and column c with the fit's rho, least squares.
    std::vector<double> xw = design.values, yc(static_cast<size_t>(t_count));
    for (int64_t t = 0; t < t_count; ++t)
      yc[static_cast<size_t>(t)] = y[static_cast<size_t>(t * v + c)];
    const double rho = fit.rho[static_cast<size_t>(c)];
    neuro::whiten_ar1(xw.data(), t_count, k, rho);
    neuro::whiten_ar1(yc.data(), t_count, 1, rho);
    std::vector<double> beta(static_cast<size_t>(k));
    kernels::cpu::least_squares(xw.data(), t_count, k, yc.data(), 1, beta.data());
    double rss = 0;
    for (int64_t t = 0; t < t_count; ++t) {
      double r = yc[static_cast<size_t>(t)];
      for (int64_t j = 0; j < k; ++j)
        r -= xw[static_cast<size_t>(t * k + j)] * beta[static_cast<size_t>(j)];
      rss += r * r;
    }
    for (int64_t j = 0; j < k; ++j)
      EXPECT_NEAR(fit.beta(j, c), beta[static_cast<size_t>(j)], 1e-10);
    EXPECT_NEAR(fit.residual_variance[static_cast<size_t>(c)], rss / fit.dof, 1e-10);
    EXPECT_EQ(fit.unscaled_covariance(c).size(), static_cast<size_t>(k * k));
  }
  // Pooled: one rho (the mean of the estimates), one covariance.
  neuro::GlmOptions pooled;
  pooled.ar1_pooling = neuro::Ar1Pooling::pooled;
  const auto one = neuro::fit_glm(design, y, v, pooled);
  EXPECT_EQ(one.covariances.size(), 1u);
  double mean = 0;
  for (double r : one.rho_estimate)
    mean += r / static_cast<double>(v);
  for (double r : one.rho)
    EXPECT_NEAR(r, mean, 1e-15);
}

TEST(GlmFit, ZeroColumnIsInestimable) {
  neuro::EventsTable events;
  events.events = {{0, 20, "a", 0}, {60, 20, "a", 0}};
  neuro::DesignOptions options;
  options.states = {"a", "missing"};
  const auto design = neuro::make_design_matrix(events, 80, 2.0, options);
  std::vector<double> y(80);
  for (int64_t t = 0; t < 80; ++t)
    y[static_cast<size_t>(t)] = 2.0 * design.at(t, 0) + 1.0 * design.at(t, design.columns() - 1);
  const auto fit = neuro::fit_glm(design, y, 1);
  EXPECT_EQ(fit.rank, design.columns() - 1);
  EXPECT_EQ(fit.estimable[1], 0);
  EXPECT_EQ(fit.beta(1, 0), 0.0);
  EXPECT_NEAR(fit.beta(0, 0), 2.0, 1e-8);
}

TEST(GlmFit, RejectsBadShapes) {
  const auto design = block_design();
  std::vector<double> y(10);
  EXPECT_THROW(neuro::fit_glm(design, y, 2), std::invalid_argument);
  std::vector<double> bad(static_cast<size_t>(design.frames), 0.0);
  bad[3] = std::nan("");
  EXPECT_THROW(neuro::fit_glm(design, bad, 1), std::invalid_argument);
  neuro::ParcelSeries series(design.frames + 1, 2, 2.0);
  EXPECT_THROW(neuro::fit_glm(design, series), std::invalid_argument);
}

}  // namespace
