#pragma once
// The S4D convolution kernel (Gu et al. 2022, "On the Parameterization and
// Initialization of Diagonal State Space Models") and its gradient, on raw
// float buffers. Per channel h and mode n (M = N/2 complex modes, the
// conjugate half implied by taking twice the real part):
//   A     = -exp(log_A_real) + i A_imag,   dt = exp(log_dt)
//   dtA   = A dt,                           z = exp(dtA)
//   C'    = C (z - 1) / A                  (zero-order hold: C' = C B-bar)
//   K[l]  = 2 Re sum_n C'_n z_n^l,          l = 0 .. L-1
// i.e. the impulse response of x_{l+1} = z x_l + ((z - 1) / A) u_l,
// y_l = 2 Re(C x_l) read one step later. The Vandermonde sums run in double
// (powers re-anchored by a direct exp every few steps, so their error does not
// grow with l); only the result is rounded to float.
//
// Layouts: log_dt [H]; log_A_real, A_imag [H, M]; C [H, M, 2] (real, imag);
// K, dK [H, L].

#include <cstdint>

namespace core {

struct S4DKernelShape {
  int64_t channels = 0;  // H
  int64_t modes = 0;     // M = N / 2
  int64_t length = 0;    // L
};

void s4d_kernel(const S4DKernelShape& shape, const float* log_dt, const float* log_a_real,
                const float* a_imag, const float* c, float* k);

// Gradients of sum(dK * K), added into d_log_dt, d_log_a_real, d_a_imag and
// dc (accumulated, as parameter gradients are). With S = sum_l dK_l z^l and
// T = sum_l dK_l l z^l per mode, and F the holomorphic sum_l dK_l C' z^l:
//   dC_re = 2 Re(Q S), dC_im = -2 Im(Q S),   Q = (z - 1) / A
//   dF/dA  = C [(dt z / A - (z - 1) / A^2) S + Q dt T]
//   dF/ddt = C [z S + (z - 1) T]
//   d log_A_real = 2 Re(dF/dA) (-exp(log_A_real)),  d A_imag = -2 Im(dF/dA)
//   d log_dt     = sum_n 2 Re(dF/ddt) dt.
void s4d_kernel_backward(const S4DKernelShape& shape, const float* log_dt, const float* log_a_real,
                         const float* a_imag, const float* c, const float* dk, float* d_log_dt,
                         float* d_log_a_real, float* d_a_imag, float* dc);

}  // namespace core
