#include "core/nn/kernel_regularisation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace core {

void smooth_kernel(const float* k, int64_t rows, int64_t n, int64_t window, float* out) {
  if (window < 1 || window % 2 == 0) {
    throw std::invalid_argument("smooth_kernel: window must be odd and >= 1, got " +
                                std::to_string(window));
  }
  const int64_t half = window / 2;
  const double inv = 1.0 / static_cast<double>(window);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = k + r * n;
    float* dst = out + r * n;
    for (int64_t j = 0; j < n; ++j) {
      double s = 0.0;
      const int64_t lo = std::max<int64_t>(0, j - half);
      const int64_t hi = std::min<int64_t>(n - 1, j + half);
      for (int64_t i = lo; i <= hi; ++i)
        s += row[i];
      dst[j] = static_cast<float>(s * inv);
    }
  }
}

void squash_kernel(const float* k, int64_t count, float lambda, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    const float m = std::abs(k[i]) - lambda;
    out[i] = m > 0.0f ? std::copysign(m, k[i]) : 0.0f;
  }
}

void squash_kernel_backward(const float* k, const float* grad_out, int64_t count, float lambda,
                            float* grad_k) {
  for (int64_t i = 0; i < count; ++i)
    grad_k[i] = std::abs(k[i]) > lambda ? grad_out[i] : 0.0f;
}

}  // namespace core
