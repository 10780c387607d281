#pragma once
// Double-precision references of the basic modules, written from their
// definitions and independent of the float code under test. Tensors are
// row-major vectors; the last axis has the stated width.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace nn_reference {

using Vec = std::vector<double>;

// y [rows, out] = x [rows, in] W^T + b, W [out, in]; b may be empty.
inline Vec linear(const Vec& x, const Vec& w, const Vec& b, int64_t in, int64_t out) {
  const int64_t rows = static_cast<int64_t>(x.size()) / in;
  Vec y(static_cast<size_t>(rows * out));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t o = 0; o < out; ++o) {
      double s = b.empty() ? 0.0 : b[static_cast<size_t>(o)];
      for (int64_t i = 0; i < in; ++i)
        s += x[static_cast<size_t>(r * in + i)] * w[static_cast<size_t>(o * in + i)];
      y[static_cast<size_t>(r * out + o)] = s;
    }
  }
  return y;
}

// LayerNorm over rows of width d, biased variance.
inline Vec layer_norm(const Vec& x, const Vec& gamma, const Vec& beta, int64_t d, double eps) {
  Vec y(x.size());
  for (size_t r = 0; r < x.size() / static_cast<size_t>(d); ++r) {
    const double* xr = x.data() + r * static_cast<size_t>(d);
    double mean = 0.0, var = 0.0;
    for (int64_t c = 0; c < d; ++c)
      mean += xr[c];
    mean /= static_cast<double>(d);
    for (int64_t c = 0; c < d; ++c)
      var += (xr[c] - mean) * (xr[c] - mean);
    var /= static_cast<double>(d);
    for (int64_t c = 0; c < d; ++c) {
      y[r * static_cast<size_t>(d) + static_cast<size_t>(c)] =
          (xr[c] - mean) / std::sqrt(var + eps) * gamma[static_cast<size_t>(c)] +
          beta[static_cast<size_t>(c)];
    }
  }
  return y;
}

inline Vec gelu(const Vec& x) {
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = 0.5 * x[i] * (1.0 + std::erf(x[i] / std::numbers::sqrt2));
  return y;
}

inline Vec silu(const Vec& x) {
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = x[i] / (1.0 + std::exp(-x[i]));
  return y;
}

inline Vec add(const Vec& a, const Vec& b) {
  Vec y(a.size());
  for (size_t i = 0; i < a.size(); ++i)
    y[i] = a[i] + b[i];
  return y;
}

inline double sum(const Vec& v) {
  double s = 0.0;
  for (double x : v)
    s += x;
  return s;
}

}  // namespace nn_reference
