#include "kernels/cpu/elementwise.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "kernels/cpu/thread_pool.h"

namespace kernels::cpu {
namespace {

constexpr float kInvSqrt2 = static_cast<float>(1.0 / std::numbers::sqrt2);
// 1 / sqrt(2 pi), the standard normal density at zero.
constexpr float kInvSqrt2Pi =
    static_cast<float>(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);

// exp(x) for x <= 0, written so that GCC vectorises the loops that call it
// (libm's expf is a call per element): x = k ln 2 + r with |r| <= ln 2 / 2,
// e^r by its Taylor polynomial to r^7 (relative error below 2e-9), 2^k by
// building the float's exponent. Within 2 ulp of expf; 0 below -87, where
// 2^k would leave the normal range.
inline float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504f;
  constexpr float kLn2High = 0.693145752f;  // ln 2 split so that k * kLn2High is exact
  constexpr float kLn2Low = 1.42860677e-6f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float clamped = x < -87.0f ? -87.0f : x;
  const float k = (clamped * kLog2e + kRound) - kRound;
  const float r = (clamped - k * kLn2High) - k * kLn2Low;
  const float p =
      1.0f +
      r * (1.0f + r * (0.5f + r * (1.0f / 6 +
                                   r * (1.0f / 24 +
                                        r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
  const float two_to_k = std::bit_cast<float>((static_cast<int32_t>(k) + 127) << 23);
  return x < -87.0f ? 0.0f : p * two_to_k;
}

// 1 / (1 + e^-x), exponentiating only -|x| so that nothing overflows.
inline float sigmoid(float x) {
  const float e = exp_nonpositive(-std::fabs(x));
  const float r = 1.0f / (1.0f + e);
  return x >= 0.0f ? r : e * r;
}

// Phi(-|v|) of the standard normal by Abramowitz & Stegun 7.1.26 (|error of
// erf| <= 1.5e-7, below float's resolution near 1), as PyTorch's vectorised
// CPU erf does, given e = exp(-v^2 / 2). Below v = -3 its relative error
// grows past 1e-4: those (rare) elements are redone with libm's erfc.
inline float normal_lower_tail(float v, float e) {
  const float x = std::fabs(v) * kInvSqrt2;
  const float t = 1.0f / (1.0f + 0.3275911f * x);
  const float poly =
      t * (0.254829592f +
           t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  return 0.5f * poly * e;
}

inline float normal_cdf_far_tail(float v) {
  return 0.5f * std::erfc(-v * kInvSqrt2);
}

constexpr float kFarTail = -3.0f;

}  // namespace

void gelu_forward(const float* x, float* y, int64_t n) {
  parallel_ranges(n, kElementsPerTask, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float v = x[i];
      const float tail = normal_lower_tail(v, exp_nonpositive(-0.5f * v * v));
      y[i] = v * (v >= 0.0f ? 1.0f - tail : tail);
    }
    for (int64_t i = begin; i < end; ++i) {
      if (x[i] < kFarTail) y[i] = x[i] * normal_cdf_far_tail(x[i]);
    }
  });
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  parallel_ranges(n, kElementsPerTask, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float v = x[i];
      const float e = exp_nonpositive(-0.5f * v * v);  // the density and the tail share it
      const float tail = normal_lower_tail(v, e);
      const float cdf = v >= 0.0f ? 1.0f - tail : tail;
      dx[i] = dy[i] * (cdf + v * (kInvSqrt2Pi * e));
    }
    for (int64_t i = begin; i < end; ++i) {
      const float v = x[i];
      if (v < kFarTail) {
        dx[i] = dy[i] * (normal_cdf_far_tail(v) + v * kInvSqrt2Pi * std::exp(-0.5f * v * v));
      }
    }
  });
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
