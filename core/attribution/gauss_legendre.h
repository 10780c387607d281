#pragma once
// Gauss-Legendre quadrature: n nodes and weights that integrate every
// polynomial of degree <= 2n - 1 exactly. Nodes are the roots of the
// Legendre polynomial P_n, found by Newton's method from Tricomi's initial
// guesses; weights 2 / ((1 - x^2) P_n'(x)^2). All in double.

#include <vector>

namespace core {

struct Quadrature {
  std::vector<double> nodes;    // ascending
  std::vector<double> weights;  // positive, summing to the interval's length
};

// n nodes on [a, b]. Throws std::invalid_argument for n < 1 or a >= b.
Quadrature gauss_legendre(int n, double a = 0.0, double b = 1.0);

}  // namespace core
