#pragma once
// Limited-memory BFGS for smooth, unconstrained problems of modest size (the
// linear baselines): the objective returns its value and fills the gradient.

#include <functional>
#include <span>
#include <vector>

namespace core {

struct LbfgsOptions {
  int history = 10;
  int max_iterations = 500;
  // Stop when the gradient's infinity norm falls below this.
  double gradient_tolerance = 1e-6;
  // ... or when the relative decrease of the objective falls below this.
  double relative_tolerance = 1e-10;
};

struct LbfgsResult {
  double value = 0;
  int iterations = 0;
  bool converged = false;
};

// f(x, gradient) -> value. Minimises from the given x, in place.
using Objective = std::function<double(std::span<const double> x, std::span<double> gradient)>;

LbfgsResult minimize_lbfgs(const Objective& objective, std::vector<double>& x,
                           const LbfgsOptions& options = {});

}  // namespace core
