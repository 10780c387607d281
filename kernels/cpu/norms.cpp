#include "kernels/cpu/norms.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/thread_pool.h"

namespace kernels::cpu {

namespace {

// Rows per task so that a task holds about kElementsPerTask elements.
int64_t rows_per_task(int64_t cols) {
  return std::max<int64_t>(1, kElementsPerTask / std::max<int64_t>(cols, 1));
}

}  // namespace

void layer_norm_forward(const float* x, const float* gamma, const float* beta, int64_t rows,
                        int64_t cols, float eps, float* y, float* mean, float* rstd) {
  // Rows are independent: any split gives the same numbers.
  parallel_ranges(rows, rows_per_task(cols), [=](int64_t first, int64_t end) {
    for (int64_t r = first; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      double sum = 0.0;
      for (int64_t c = 0; c < cols; ++c)
        sum += xr[c];
      const double mu = cols > 0 ? sum / static_cast<double>(cols) : 0.0;
      // Two passes: the centred sum of squares avoids the cancellation of
      // E[x^2] - E[x]^2 when the mean is large next to the spread.
      double ss = 0.0;
      for (int64_t c = 0; c < cols; ++c) {
        const double d = xr[c] - mu;
        ss += d * d;
      }
      const double var = cols > 0 ? ss / static_cast<double>(cols) : 0.0;
      const double rs = 1.0 / std::sqrt(var + static_cast<double>(eps));
      for (int64_t c = 0; c < cols; ++c) {
        double v = (xr[c] - mu) * rs;
        if (gamma) v *= gamma[c];
        if (beta) v += beta[c];
        yr[c] = static_cast<float>(v);
      }
      mean[r] = static_cast<float>(mu);
      rstd[r] = static_cast<float>(rs);
    }
  });
}

void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                         float* dbeta) {
  // dx row by row, in parallel.
  parallel_ranges(rows, rows_per_task(cols), [=](int64_t first, int64_t end) {
    for (int64_t r = first; r < end; ++r) {
      const float* xr = x + r * cols;
      const float* dyr = dy + r * cols;
      float* dxr = dx + r * cols;
      const double mu = mean[r], rs = rstd[r];
      double sum_g = 0.0, sum_gx = 0.0;
      for (int64_t c = 0; c < cols; ++c) {
        const double xhat = (xr[c] - mu) * rs;
        const double g = gamma ? static_cast<double>(dyr[c]) * gamma[c] : dyr[c];
        sum_g += g;
        sum_gx += g * xhat;
      }
      const double mean_g = sum_g / static_cast<double>(cols);
      const double mean_gx = sum_gx / static_cast<double>(cols);
      for (int64_t c = 0; c < cols; ++c) {
        const double xhat = (xr[c] - mu) * rs;
        const double g = gamma ? static_cast<double>(dyr[c]) * gamma[c] : dyr[c];
        dxr[c] = static_cast<float>(rs * (g - mean_g - xhat * mean_gx));
      }
    }
  });
  // The parameter gradients sum over rows, in row order on one thread, so
  // that their rounding does not depend on the thread count.
  if (!dgamma && !dbeta) return;
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    const double mu = mean[r], rs = rstd[r];
    for (int64_t c = 0; c < cols; ++c) {
      if (dgamma) dgamma[c] += static_cast<float>(dyr[c] * ((xr[c] - mu) * rs));
      if (dbeta) dbeta[c] += dyr[c];
    }
  }
}

void softmax_forward(const float* x, int64_t rows, int64_t cols, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    if (cols == 0) continue;
    // Shifting by the row maximum keeps every exponent <= 0 (no overflow) and
    // leaves the result unchanged.
    float m = xr[0];
    for (int64_t c = 1; c < cols; ++c)
      m = std::fmax(m, xr[c]);
    double sum = 0.0;
    for (int64_t c = 0; c < cols; ++c) {
      const float e = std::exp(xr[c] - m);
      yr[c] = e;
      sum += e;
    }
    const double inv = 1.0 / sum;
    for (int64_t c = 0; c < cols; ++c)
      yr[c] = static_cast<float>(yr[c] * inv);
  }
}

void softmax_backward(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    double dot = 0.0;
    for (int64_t c = 0; c < cols; ++c)
      dot += static_cast<double>(dyr[c]) * yr[c];
    for (int64_t c = 0; c < cols; ++c)
      dxr[c] = static_cast<float>(yr[c] * (dyr[c] - dot));
  }
}

}  // namespace kernels::cpu
