#include "kernels/cpu/reduce.h"

#include <algorithm>
#include <vector>

namespace kernels::cpu {
namespace {

// out = scale * sum over the middle axis, in double.
void reduce_middle(const float* x, int64_t outer, int64_t n, int64_t inner, double scale,
                   float* out) {
  std::vector<double> acc(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; ++o) {
    std::fill(acc.begin(), acc.end(), 0.0);
    // Walking the middle axis in the outer loop reads x contiguously.
    for (int64_t t = 0; t < n; ++t) {
      const float* row = x + (o * n + t) * inner;
      for (int64_t i = 0; i < inner; ++i)
        acc[static_cast<size_t>(i)] += row[i];
    }
    for (int64_t i = 0; i < inner; ++i)
      out[o * inner + i] = static_cast<float>(acc[static_cast<size_t>(i)] * scale);
  }
}

}  // namespace

void sum_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out) {
  reduce_middle(x, outer, n, inner, 1.0, out);
}

void mean_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float* out) {
  reduce_middle(x, outer, n, inner, n > 0 ? 1.0 / static_cast<double>(n) : 0.0, out);
}

void broadcast_axis(const float* x, int64_t outer, int64_t n, int64_t inner, float alpha,
                    float* out) {
  for (int64_t o = 0; o < outer; ++o) {
    const float* src = x + o * inner;
    for (int64_t t = 0; t < n; ++t) {
      float* dst = out + (o * n + t) * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = alpha * src[i];
    }
  }
}

double sum(const float* x, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i)
    s += x[i];
  return s;
}

}  // namespace kernels::cpu
