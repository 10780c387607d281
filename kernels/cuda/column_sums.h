#pragma once
// Deterministic sums over rows on the device, shared by the reductions, the
// LayerNorm parameter gradients and the long convolution's skip gradient.
// Accumulation is in double and in a fixed order (it depends on the shape
// only), so repeated runs give identical results.

#include <cstdint>

namespace kernels::cuda::detail {

// For x seen as [outer, rows, cols]:
//   out[o, c] (=, or += when accumulate) scale * sum_r x[o, r, c] * w[o, r, c]
// where w is 1 when `weight` is null, weight[o, r, c] when `row_mean` is null,
// and (weight[o, r, c] - row_mean[o, r]) * row_rstd[o, r] otherwise (the
// normalised input of a LayerNorm).
void column_sums(const float* x, const float* weight, const float* row_mean, const float* row_rstd,
                 int64_t outer, int64_t rows, int64_t cols, double scale, bool accumulate,
                 float* out);

// The sum of n floats, in double, returned to the host.
double total_sum(const float* x, int64_t n);

}  // namespace kernels::cuda::detail
