// Contrasts, fixed effects over runs and the group one-sample t, against
// hand computations.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "neuro/glm/contrast.h"
#include "neuro/glm/distributions.h"
#include "neuro/glm/first_level.h"
#include "neuro/glm/fixed_effects.h"
#include "neuro/glm/group_level.h"

namespace {

// A design without drift: two states and a constant, 3 columns.
neuro::DesignMatrix small_design() {
  neuro::EventsTable events;
  for (int block = 0; block < 6; ++block)
    events.events.push_back({block * 20.0, 10.0, block % 2 ? "b" : "a", 0});
  neuro::DesignOptions options;
  options.high_pass_hz = 0;
  return neuro::make_design_matrix(events, 64, 2.0, options);
}

// Inverse of a 3 x 3 matrix by cofactors.
std::vector<double> inverse3(const std::vector<double>& m) {
  auto at = [&](int i, int j) { return m[static_cast<size_t>(i * 3 + j)]; };
  std::vector<double> inv(9);
  double det = 0;
  for (int j = 0; j < 3; ++j)
    det += at(0, j) *
           (at(1, (j + 1) % 3) * at(2, (j + 2) % 3) - at(1, (j + 2) % 3) * at(2, (j + 1) % 3));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      inv[static_cast<size_t>(j * 3 + i)] =
          (at((i + 1) % 3, (j + 1) % 3) * at((i + 2) % 3, (j + 2) % 3) -
           at((i + 1) % 3, (j + 2) % 3) * at((i + 2) % 3, (j + 1) % 3)) /
          det;
  return inv;
}

TEST(GlmContrast, OneVsRestWeights) {
  neuro::EventsTable events;
  for (const char* s : {"w", "x", "y", "z"})
    events.events.push_back({0, 10, s, 0});
  const auto design = neuro::make_design_matrix(events, 100, 2.0);
  const auto contrasts = neuro::one_vs_rest_contrasts(design);
  ASSERT_EQ(contrasts.size(), 4u);
  EXPECT_EQ(contrasts[2].name, "y_vs_rest");
  const double r = -1.0 / 3.0;
  std::vector<double> want(static_cast<size_t>(design.columns()), 0.0);
  want[0] = r, want[1] = r, want[2] = 1.0, want[3] = r;
  EXPECT_EQ(contrasts[2].weights, want);
  const auto named = neuro::make_contrast(design, "x-w", {{"x", 1}, {"w", -1}});
  EXPECT_EQ(named.weights[0], -1.0);
  EXPECT_EQ(named.weights[1], 1.0);
  EXPECT_THROW(neuro::make_contrast(design, "bad", {{"v", 1}}), std::invalid_argument);
}

TEST(GlmContrast, TMatchesTheNormalEquations) {
  const auto design = small_design();
  ASSERT_EQ(design.columns(), 3);
  const int64_t n = design.frames;
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal;
  std::vector<double> y(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t)
    y[static_cast<size_t>(t)] = 1.5 * design.at(t, 0) + 0.5 * design.at(t, 1) + 3.0 + normal(rng);
  neuro::GlmOptions ols;
  ols.noise_model = neuro::NoiseModel::ols;
  const auto fit = neuro::fit_glm(design, y, 1, ols);
  const auto result = neuro::compute_contrast(fit, {"a-b", {1.0, -1.0, 0.0}});
  // By hand: b = (X'X)^-1 X'y, s2 = |y - Xb|^2 / (n - 3).
  std::vector<double> xtx(9, 0.0), xty(3, 0.0);
  for (int64_t t = 0; t < n; ++t)
    for (int i = 0; i < 3; ++i) {
      xty[static_cast<size_t>(i)] += design.at(t, i) * y[static_cast<size_t>(t)];
      for (int j = 0; j < 3; ++j)
        xtx[static_cast<size_t>(i * 3 + j)] += design.at(t, i) * design.at(t, j);
    }
  const auto inv = inverse3(xtx);
  double b[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      b[i] += inv[static_cast<size_t>(i * 3 + j)] * xty[static_cast<size_t>(j)];
  double rss = 0;
  for (int64_t t = 0; t < n; ++t) {
    double r = y[static_cast<size_t>(t)];
    for (int i = 0; i < 3; ++i)
      r -= design.at(t, i) * b[i];
    rss += r * r;
  }
  const double s2 = rss / static_cast<double>(n - 3);
  const double cvc = inv[0] - inv[1] - inv[3] + inv[4];
  const double t_hand = (b[0] - b[1]) / std::sqrt(s2 * cvc);
  EXPECT_NEAR(result.effect[0], b[0] - b[1], 1e-9);
  EXPECT_NEAR(result.variance[0], s2 * cvc, 1e-9);
  EXPECT_NEAR(result.t[0], t_hand, 1e-8);
  EXPECT_EQ(result.dof, static_cast<double>(n - 3));
  EXPECT_NEAR(result.z[0], neuro::z_from_t(t_hand, n - 3.0), 1e-8);
  EXPECT_THROW(neuro::compute_contrast(fit, {"short", {1.0}}), std::invalid_argument);
}

TEST(GlmContrast, FixedEffectsWeightByInverseVariance) {
  neuro::ContrastResult run1{"c", {1.0, 2.0}, {1.0, 0.0}, {}, {}, 10};
  neuro::ContrastResult run2{"c", {3.0, 2.0}, {4.0, 1.0}, {}, {}, 12};
  const std::vector<neuro::ContrastResult> runs = {run1, run2};
  const auto fx = neuro::fixed_effects(runs);
  // w = 1, 1/4: effect = (1 + 3/4) / (5/4) = 1.4, variance = 1 / (5/4) = 0.8.
  EXPECT_DOUBLE_EQ(fx.effect[0], 1.4);
  EXPECT_DOUBLE_EQ(fx.variance[0], 0.8);
  EXPECT_DOUBLE_EQ(fx.t[0], 1.4 / std::sqrt(0.8));
  EXPECT_EQ(fx.dof, 22.0);
  EXPECT_DOUBLE_EQ(fx.z[0], neuro::z_from_t(1.4 / std::sqrt(0.8), 22.0));
  EXPECT_TRUE(std::isnan(fx.t[1]));  // a run with zero variance
  const std::vector<neuro::ContrastResult> mismatched = {run1, {"c", {1.0}, {1.0}, {}, {}, 3}};
  EXPECT_THROW(neuro::fixed_effects(mismatched), std::invalid_argument);
}

TEST(GlmContrast, GroupOneSampleT) {
  // scipy.stats.ttest_1samp([1, 2, 3, 4, 5.5], 0): t = 3.9691432779197755;
  // norm.isf(t.sf(t, 4)) = 2.3965432595360294.
  const std::vector<double> effects = {1.0, 10.0, 2.0, 10.0, 3.0, 10.0, 4.0, 10.0, 5.5, 10.0};
  const auto group = neuro::one_sample_t(effects, 5, 2, "g");
  EXPECT_EQ(group.dof, 4.0);
  EXPECT_DOUBLE_EQ(group.effect[0], 3.1);
  // By hand: deviations -2.1 -1.1 -0.1 0.9 2.4, squares sum 12.2; s2 = 3.05.
  EXPECT_NEAR(group.variance[0], 3.05 / 5.0, 1e-15);
  EXPECT_NEAR(group.t[0], 3.1 / std::sqrt(3.05 / 5.0), 1e-14);
  EXPECT_NEAR(group.t[0], 3.9691432779197755, 1e-12);
  EXPECT_NEAR(group.z[0], 2.3965432595360294, 1e-10);
  EXPECT_TRUE(std::isnan(group.t[1]));  // no spread
  EXPECT_THROW(neuro::one_sample_t(effects, 1, 10), std::invalid_argument);
  EXPECT_THROW(neuro::one_sample_t(effects, 3, 3), std::invalid_argument);
}

TEST(GlmContrast, FirstLevelAndRunsFindTheActiveParcel) {
  // Two runs; parcel 0 responds to "a" only, parcel 1 is noise.
  neuro::EventsTable events;
  const char* states[] = {"a", "b", "c"};
  for (int block = 0; block < 12; ++block)
    events.events.push_back({block * 24.0, 14.0, states[block % 3], 0});
  std::vector<neuro::FirstLevelResult> runs;
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  neuro::FirstLevelOptions options;
  options.design.states = {"a", "b", "c"};
  for (int run = 0; run < 2; ++run) {
    neuro::ParcelSeries series(150, 2, 2.0);
    const auto design = neuro::make_design_matrix(events, 150, 2.0, options.design);
    for (int64_t t = 0; t < 150; ++t) {
      series.at(t, 0) = static_cast<float>(100.0 + 2.0 * design.at(t, 0) + normal(rng));
      series.at(t, 1) = static_cast<float>(50.0 + normal(rng));
    }
    runs.push_back(neuro::fit_first_level(series, events, options));
  }
  ASSERT_EQ(runs[0].contrasts.size(), 3u);
  EXPECT_GT(runs[0].contrasts[0].z[0], 5.0);
  EXPECT_LT(runs[0].contrasts[1].z[0], -2.0);
  EXPECT_LT(std::fabs(runs[0].contrasts[0].z[1]), 4.0);
  const auto subject = neuro::combine_runs(runs);
  ASSERT_EQ(subject.size(), 3u);
  EXPECT_EQ(subject[0].name, "a_vs_rest");
  EXPECT_EQ(subject[0].dof, runs[0].fit.dof + runs[1].fit.dof);
  EXPECT_GT(subject[0].t[0], std::max(runs[0].contrasts[0].t[0], runs[1].contrasts[0].t[0]));
}

}  // namespace
