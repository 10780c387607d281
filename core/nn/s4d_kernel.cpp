#include "core/nn/s4d_kernel.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

namespace core {
namespace {

using Complex = std::complex<double>;

// Every kAnchor steps z^l is recomputed as exp(dtA l) instead of multiplied
// on, bounding the rounding of the running power to ~kAnchor ulps.
constexpr int64_t kAnchor = 32;

struct Mode {
  double dt;
  Complex a;    // A
  Complex dta;  // dt A
  Complex z;    // exp(dt A)
  Complex c;    // C
};

Mode mode_of(const S4DKernelShape& s, const float* log_dt, const float* log_a_real,
             const float* a_imag, const float* c, int64_t h, int64_t n) {
  const int64_t i = h * s.modes + n;
  Mode m;
  m.dt = std::exp(static_cast<double>(log_dt[h]));
  m.a = Complex(-std::exp(static_cast<double>(log_a_real[i])), a_imag[i]);
  m.dta = m.a * m.dt;
  m.z = std::exp(m.dta);
  m.c = Complex(c[2 * i], c[2 * i + 1]);
  return m;
}

// Calls f(l, z^l) for l = 0 .. length-1.
template <typename F>
void for_each_power(const Mode& m, int64_t length, F&& f) {
  Complex p(1.0, 0.0);
  for (int64_t l = 0; l < length; ++l) {
    if (l % kAnchor == 0) p = std::exp(m.dta * static_cast<double>(l));
    f(l, p);
    p *= m.z;
  }
}

}  // namespace

void s4d_kernel(const S4DKernelShape& shape, const float* log_dt, const float* log_a_real,
                const float* a_imag, const float* c, float* k) {
  std::vector<double> row(static_cast<size_t>(shape.length));
  for (int64_t h = 0; h < shape.channels; ++h) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int64_t n = 0; n < shape.modes; ++n) {
      const Mode m = mode_of(shape, log_dt, log_a_real, a_imag, c, h, n);
      const Complex cb = m.c * (m.z - 1.0) / m.a;  // C'
      for_each_power(m, shape.length, [&](int64_t l, Complex p) {
        row[static_cast<size_t>(l)] += 2.0 * (cb * p).real();
      });
    }
    for (int64_t l = 0; l < shape.length; ++l)
      k[h * shape.length + l] = static_cast<float>(row[static_cast<size_t>(l)]);
  }
}

void s4d_kernel_backward(const S4DKernelShape& shape, const float* log_dt, const float* log_a_real,
                         const float* a_imag, const float* c, const float* dk, float* d_log_dt,
                         float* d_log_a_real, float* d_a_imag, float* dc) {
  for (int64_t h = 0; h < shape.channels; ++h) {
    const float* g = dk + h * shape.length;
    double grad_dt = 0.0;  // d/d dt, summed over modes
    double dt = 0.0;
    for (int64_t n = 0; n < shape.modes; ++n) {
      const Mode m = mode_of(shape, log_dt, log_a_real, a_imag, c, h, n);
      dt = m.dt;
      Complex s(0.0, 0.0), t(0.0, 0.0);
      for_each_power(m, shape.length, [&](int64_t l, Complex p) {
        const Complex gp = static_cast<double>(g[l]) * p;
        s += gp;
        t += static_cast<double>(l) * gp;
      });
      const Complex q = (m.z - 1.0) / m.a;
      const Complex qs = q * s;
      const Complex df_da =
          m.c * ((m.dt * m.z / m.a - (m.z - 1.0) / (m.a * m.a)) * s + q * m.dt * t);
      const Complex df_ddt = m.c * (m.z * s + (m.z - 1.0) * t);
      const int64_t i = h * shape.modes + n;
      dc[2 * i] += static_cast<float>(2.0 * qs.real());
      dc[2 * i + 1] += static_cast<float>(-2.0 * qs.imag());
      d_log_a_real[i] += static_cast<float>(2.0 * df_da.real() * m.a.real());
      d_a_imag[i] += static_cast<float>(-2.0 * df_da.imag());
      grad_dt += 2.0 * df_ddt.real();
    }
    d_log_dt[h] += static_cast<float>(grad_dt * dt);
  }
}

}  // namespace core
