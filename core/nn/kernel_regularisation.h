#pragma once
// The regularisation a long-convolution kernel goes through on every forward
// pass (Fu et al. 2023, "Simple Hardware-Efficient Long Convolutions"):
// smoothing by a moving average, then a soft threshold ("squash") that drives
// small taps to exactly zero. Both act on rows of taps, [rows, n] row-major,
// one row per channel (and per direction for bidirectional kernels).

#include <cstdint>

namespace core {

// out[r, j] = (1 / window) sum_{|i - j| <= window / 2, 0 <= i < n} k[r, i]:
// PyTorch's avg_pool1d(window, stride 1, padding window / 2) with the zero
// padding counted in the divisor, as the reference does. The map is
// symmetric, so it is also its own adjoint: applied to a gradient of `out` it
// gives the gradient of `k`. window is odd and >= 1; sums run in double.
// `out` must not alias `k`.
void smooth_kernel(const float* k, int64_t rows, int64_t n, int64_t window, float* out);

// out = sign(k) max(|k| - lambda, 0), lambda >= 0. In-place is allowed.
void squash_kernel(const float* k, int64_t count, float lambda, float* out);

// Gradient through squash_kernel at input `k`: grad_k = grad_out where
// |k| > lambda, exactly 0 in the dead zone |k| <= lambda (relu'(0) = 0 and
// sign'(k) = 0, as autograd has it). In-place on grad_out is allowed.
void squash_kernel_backward(const float* k, const float* grad_out, int64_t count, float lambda,
                            float* grad_k);

}  // namespace core
