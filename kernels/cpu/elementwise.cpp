#include "kernels/cpu/elementwise.h"

#include <cmath>
#include <numbers>

namespace kernels::cpu {
namespace {

constexpr float kInvSqrt2 = static_cast<float>(1.0 / std::numbers::sqrt2);
// 1 / sqrt(2 pi), the standard normal density at zero.
constexpr float kInvSqrt2Pi =
    static_cast<float>(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);

float sigmoid(float x) {
  // Both branches only ever exponentiate a non-positive number, so neither
  // overflows.
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

}  // namespace

// The standard normal CDF Phi(v) = erfc(-v / sqrt 2) / 2 by Abramowitz &
// Stegun 7.1.26 (|error of erf| <= 1.5e-7, below float's resolution near 1),
// as PyTorch's vectorised CPU erf does: libm's erfcf is a third of a small
// encoder's training step. Below v = -3 the approximation's relative error
// grows past 1e-4, so the rare far tail keeps libm's erfc.
inline float normal_cdf(float v) {
  if (v < -3.0f) return 0.5f * std::erfc(-v * kInvSqrt2);
  const float x = std::fabs(v) * kInvSqrt2;
  const float t = 1.0f / (1.0f + 0.3275911f * x);
  const float poly =
      t * (0.254829592f +
           t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  const float tail = 0.5f * poly * std::exp(-x * x);  // Phi(-|v|)
  return v >= 0.0f ? 1.0f - tail : tail;
}

void gelu_forward(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v * normal_cdf(v);
  }
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float cdf = normal_cdf(v);
    const float pdf = kInvSqrt2Pi * std::exp(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

void silu_forward(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = x[i] * sigmoid(x[i]);
}

void silu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float s = sigmoid(x[i]);
    dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
  }
}

void add(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = a[i] + b[i];
}

void mul(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = a[i] * b[i];
}

void scale(const float* x, float alpha, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = alpha * x[i];
}

void axpy(float alpha, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] += alpha * x[i];
}

void add_row(const float* row, float* y, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    float* yr = y + r * cols;
    for (int64_t c = 0; c < cols; ++c)
      yr[c] += row[c];
  }
}

}  // namespace kernels::cpu
