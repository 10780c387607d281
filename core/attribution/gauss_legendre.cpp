#include "core/attribution/gauss_legendre.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace core {

namespace {

// P_n(x) and P_n'(x) by the three-term recurrence
// (k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}.
void legendre(int n, double x, double& p, double& dp) {
  double p0 = 1.0, p1 = x;
  for (int k = 1; k < n; ++k) {
    const double p2 = ((2.0 * k + 1.0) * x * p1 - k * p0) / (k + 1.0);
    p0 = p1;
    p1 = p2;
  }
  p = n == 0 ? 1.0 : p1;
  // P_n' = n (x P_n - P_{n-1}) / (x^2 - 1); the roots lie inside (-1, 1).
  dp = n * (x * p1 - p0) / (x * x - 1.0);
}

}  // namespace

Quadrature gauss_legendre(int n, double a, double b) {
  if (n < 1) {
    throw std::invalid_argument("gauss-legendre: needs >= 1 node, got " + std::to_string(n));
  }
  if (!(a < b)) throw std::invalid_argument("gauss-legendre: needs a < b");
  Quadrature q;
  q.nodes.resize(static_cast<size_t>(n));
  q.weights.resize(static_cast<size_t>(n));
  const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
  // Roots come in +-pairs; find the non-negative ones, largest first.
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double p = 0.0, dp = 1.0;
    for (int iter = 0; iter < 100; ++iter) {
      legendre(n, x, p, dp);
      const double step = p / dp;
      x -= step;
      if (std::abs(step) < 1e-16) break;
    }
    legendre(n, x, p, dp);
    const double w = 2.0 / ((1.0 - x * x) * dp * dp);
    const auto lo = static_cast<size_t>(i), hi = static_cast<size_t>(n - 1 - i);
    q.nodes[lo] = mid - half * x;
    q.nodes[hi] = mid + half * x;
    q.weights[lo] = q.weights[hi] = half * w;
  }
  return q;
}

}  // namespace core
