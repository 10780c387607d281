#include <gtest/gtest.h>

#include <cmath>

#include "core/optim/lbfgs.h"

TEST(Lbfgs, FindsTheRosenbrockMinimum) {
  std::vector<double> x{-1.2, 1.0};
  const auto result = core::minimize_lbfgs(
      [](std::span<const double> p, std::span<double> g) {
        const double a = 1 - p[0], b = p[1] - p[0] * p[0];
        g[0] = -2 * a - 400 * p[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      x, {10, 2000, 1e-9, 0.0});
  EXPECT_TRUE(result.converged);
  EXPECT_NEAR(x[0], 1.0, 1e-5);
  EXPECT_NEAR(x[1], 1.0, 1e-5);
}

TEST(Lbfgs, SolvesAnIllConditionedQuadraticExactly) {
  // f = 0.5 * sum_i d_i (x_i - i)^2 with d from 1 to 1e4: minimum at x_i = i.
  const int n = 20;
  std::vector<double> x(n, 0.0);
  core::minimize_lbfgs(
      [n](std::span<const double> p, std::span<double> g) {
        double f = 0;
        for (int i = 0; i < n; ++i) {
          const double d = std::pow(10.0, 4.0 * i / (n - 1));
          g[static_cast<size_t>(i)] = d * (p[static_cast<size_t>(i)] - i);
          f += 0.5 * d * (p[static_cast<size_t>(i)] - i) * (p[static_cast<size_t>(i)] - i);
        }
        return f;
      },
      x, {10, 5000, 1e-9, 0.0});
  for (int i = 0; i < n; ++i)
    EXPECT_NEAR(x[static_cast<size_t>(i)], i, 1e-6);
}
