#include "core/optim/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

namespace core {

namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

double max_abs(std::span<const double> a) {
  double m = 0;
  for (double v : a)
    m = std::max(m, std::abs(v));
  return m;
}

struct Correction {
  std::vector<double> s;  // x_{k+1} - x_k
  std::vector<double> y;  // g_{k+1} - g_k
  double rho;             // 1 / (y . s)
};

// The two-loop recursion: direction = -H g with H the L-BFGS inverse Hessian.
std::vector<double> search_direction(const std::deque<Correction>& history,
                                     std::span<const double> gradient) {
  std::vector<double> q(gradient.begin(), gradient.end());
  std::vector<double> alpha(history.size());
  for (size_t i = history.size(); i-- > 0;) {
    alpha[i] = history[i].rho * dot(history[i].s, q);
    for (size_t j = 0; j < q.size(); ++j)
      q[j] -= alpha[i] * history[i].y[j];
  }
  if (!history.empty()) {
    const auto& last = history.back();
    const double gamma = dot(last.s, last.y) / dot(last.y, last.y);
    for (double& v : q)
      v *= gamma;
  }
  for (size_t i = 0; i < history.size(); ++i) {
    const double beta = history[i].rho * dot(history[i].y, q);
    for (size_t j = 0; j < q.size(); ++j)
      q[j] += (alpha[i] - beta) * history[i].s[j];
  }
  for (double& v : q)
    v = -v;
  return q;
}

}  // namespace

LbfgsResult minimize_lbfgs(const Objective& objective, std::vector<double>& x,
                           const LbfgsOptions& options) {
  const size_t n = x.size();
  std::vector<double> gradient(n), next_x(n), next_gradient(n);
  double value = objective(x, gradient);
  if (!std::isfinite(value))
    throw std::runtime_error("lbfgs: the objective is not finite at the start");
  std::deque<Correction> history;
  LbfgsResult result;
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    result.iterations = iteration;
    if (max_abs(gradient) < options.gradient_tolerance) {
      result.converged = true;
      break;
    }
    auto direction = search_direction(history, gradient);
    double slope = dot(direction, gradient);
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      history.clear();
      for (size_t i = 0; i < n; ++i)
        direction[i] = -gradient[i];
      slope = dot(direction, gradient);
    }
    // Backtracking line search with the Armijo condition; the first step of a
    // fresh history is scaled so that it moves by about one unit.
    double step = history.empty() ? std::min(1.0, 1.0 / std::max(max_abs(gradient), 1e-12)) : 1.0;
    double next_value = value;
    bool accepted = false;
    for (int trial = 0; trial < 50; ++trial) {
      for (size_t i = 0; i < n; ++i)
        next_x[i] = x[i] + step * direction[i];
      next_value = objective(next_x, next_gradient);
      if (std::isfinite(next_value) && next_value <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      result.converged = max_abs(gradient) < 1e3 * options.gradient_tolerance;
      break;
    }
    Correction c{std::vector<double>(n), std::vector<double>(n), 0};
    for (size_t i = 0; i < n; ++i) {
      c.s[i] = next_x[i] - x[i];
      c.y[i] = next_gradient[i] - gradient[i];
    }
    const double ys = dot(c.y, c.s);
    if (ys > 1e-12) {
      c.rho = 1.0 / ys;
      history.push_back(std::move(c));
      if (static_cast<int>(history.size()) > options.history) history.pop_front();
    }
    const double decrease = value - next_value;
    x.swap(next_x);
    gradient.swap(next_gradient);
    value = next_value;
    if (decrease <= options.relative_tolerance * std::max(1.0, std::abs(value))) {
      result.converged = true;
      result.iterations = iteration + 1;
      break;
    }
  }
  result.value = value;
  return result;
}

}  // namespace core
