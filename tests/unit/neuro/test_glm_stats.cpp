// The t -> z conversion of the GLM: Student's t tail through the incomplete
// beta, the normal quantile, against closed forms and scipy.stats values.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "neuro/glm/distributions.h"

namespace {

struct TailCase {
  double t, dof, sf, log_sf, z;  // scipy.stats: t.sf, t.logsf, norm.isf(t.sf)
};

// Printed by scipy 1.10 (t.sf, t.logsf, norm.isf of the former).
constexpr TailCase kScipy[] = {
    {2.0, 10, 0.036694017385370196, -3.305141551232453, 1.790409932268829},
    {-3.0, 5, 0.9849503760512688, -0.015164018722526975, -2.168781875419221},
    {0.5, 3, 0.3257239824240755, -1.1217049359318676, 0.4517515666164371},
    {1.0, 1, 0.24999999999999978, -1.3862943611198915, 0.6744897501960826},
    {4.5, 30, 4.7596796960562285e-05, -9.952745089735513, 3.9025270548880227},
    {8.0, 20, 5.8283141357442526e-08, -16.65795295594912, 5.29879991732306},
    {12.0, 140, 1.4733372573402406e-23, -52.571927068091995, 9.934494243615658},
    {50.0, 100, 7.23608183988067e-73, -166.10963191099665, 18.016456387701332},
    {6.0, 2.5, 0.007640864942761447, -4.874244469808417, 2.4256326502767642},
};

TEST(GlmStats, KnownValueFromTheBrief) {
  // t = 2 on 10 dof: one-sided p = 0.036694, z = 1.790410.
  EXPECT_NEAR(1.0 - neuro::student_t_cdf(2.0, 10.0), 0.036694, 1e-6);
  EXPECT_NEAR(neuro::z_from_t(2.0, 10.0), 1.790410, 1e-6);
}

TEST(GlmStats, MatchesScipy) {
  for (const auto& c : kScipy) {
    const double log_sf = neuro::student_t_log_sf(c.t, c.dof);
    EXPECT_NEAR(log_sf, c.log_sf, 1e-10 * std::fabs(c.log_sf) + 1e-13) << c.t << " " << c.dof;
    EXPECT_NEAR(std::exp(log_sf), c.sf, 1e-10 * c.sf) << c.t << " " << c.dof;
    EXPECT_NEAR(neuro::z_from_t(c.t, c.dof), c.z, 1e-9 * (1.0 + std::fabs(c.z)))
        << c.t << " " << c.dof;
  }
}

TEST(GlmStats, ClosedFormsForOneAndTwoDof) {
  for (double t : {-30.0, -2.5, -0.3, 0.0, 0.7, 1.0, 4.0, 100.0}) {
    // Cauchy, and F(t; 2) = 1/2 + t / (2 sqrt(2 + t^2)).
    EXPECT_NEAR(neuro::student_t_cdf(t, 1.0), 0.5 + std::atan(t) / std::numbers::pi, 1e-14);
    EXPECT_NEAR(neuro::student_t_cdf(t, 2.0), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-14);
  }
}

TEST(GlmStats, IncompleteBetaSpecialCases) {
  for (double x : {0.05, 0.3, 0.5, 0.77, 0.99}) {
    EXPECT_NEAR(neuro::log_incomplete_beta(1.0, 1.0, x, 1.0 - x), std::log(x), 1e-13);
    EXPECT_NEAR(neuro::log_incomplete_beta(3.0, 1.0, x, 1.0 - x), 3.0 * std::log(x), 1e-13);
    // I_x(1, b) = 1 - (1 - x)^b.
    EXPECT_NEAR(neuro::log_incomplete_beta(1.0, 2.5, x, 1.0 - x),
                std::log1p(-std::pow(1.0 - x, 2.5)), 1e-13);
  }
  EXPECT_TRUE(std::isnan(neuro::log_incomplete_beta(-1.0, 1.0, 0.5, 0.5)));
  EXPECT_TRUE(std::isnan(neuro::log_incomplete_beta(1.0, 1.0, 0.5, 0.9)));
}

TEST(GlmStats, LargeDofGivesZCloseToT) {
  for (double t = -6.0; t <= 6.0; t += 0.5) {
    EXPECT_NEAR(neuro::z_from_t(t, 1e6), t, 1e-4) << t;
    EXPECT_EQ(neuro::z_from_t(t, std::numeric_limits<double>::infinity()), t);
  }
}

TEST(GlmStats, OddAndShrinkingTowardZero) {
  for (double dof : {1.0, 3.0, 12.0, 150.0}) {
    for (double t : {0.1, 1.0, 2.5, 7.0}) {
      const double z = neuro::z_from_t(t, dof);
      EXPECT_DOUBLE_EQ(neuro::z_from_t(-t, dof), -z);
      EXPECT_GT(z, 0.0);
      EXPECT_LT(z, t);
    }
  }
  EXPECT_EQ(neuro::z_from_t(0.0, 7.0), 0.0);
}

TEST(GlmStats, ExtremeTDoesNotSaturate) {
  // 1 - F_t rounds to 0 in double long before these; z must keep growing.
  for (double dof : {4.0, 20.0, 140.0}) {
    double previous = 0.0;
    for (double t : {10.0, 40.0, 100.0, 1e3, 1e5, 1e8, 1e200}) {
      const double z = neuro::z_from_t(t, dof);
      EXPECT_TRUE(std::isfinite(z)) << t << " " << dof;
      EXPECT_GT(z, previous) << t << " " << dof;
      previous = z;
    }
    EXPECT_GT(previous, 38.0) << dof;
  }
  // Far tail, by the asymptotic formula: log sf ~ log C - dof log t with
  // C = dof^(dof/2 - 1) Gamma((dof+1)/2) / (sqrt(pi) Gamma(dof/2)).
  const double dof = 20.0, t = 1e8;
  const double log_c = (dof / 2.0 - 1.0) * std::log(dof) + std::lgamma((dof + 1.0) / 2.0) -
                       0.5 * std::log(std::numbers::pi) - std::lgamma(dof / 2.0);
  EXPECT_NEAR(neuro::student_t_log_sf(t, dof), log_c - dof * std::log(t), 1e-8);
}

TEST(GlmStats, NormalQuantileAndTail) {
  EXPECT_NEAR(neuro::normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(neuro::normal_quantile(0.025), -1.959963984540054, 1e-14);
  EXPECT_NEAR(neuro::normal_quantile(1e-300), -37.0470962993612, 1e-11);
  EXPECT_EQ(neuro::normal_quantile(0.5), 0.0);
  EXPECT_NEAR(neuro::normal_log_sf(10.0), -53.23128515051248, 1e-11);
  EXPECT_NEAR(neuro::normal_log_sf(40.0), -804.6084420137539, 1e-10);
  // Round trips, including probabilities below the smallest double.
  for (double z : {-3.0, 0.2, 5.0, 30.0, 60.0, 500.0}) {
    EXPECT_NEAR(neuro::normal_isf_from_log(neuro::normal_log_sf(z)), z, 1e-10 * (1 + std::fabs(z)))
        << z;
  }
  EXPECT_TRUE(std::isnan(neuro::normal_quantile(1.5)));
  EXPECT_TRUE(std::isnan(neuro::z_from_t(1.0, 0.0)));
  EXPECT_TRUE(std::isnan(neuro::z_from_t(std::nan(""), 5.0)));
}

}  // namespace
