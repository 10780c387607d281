#pragma once
// Double-precision references for the sequence mixers, written from their
// definitions (sums over taps and the state-space recurrence), independent of
// the FFT and Vandermonde code under test. Sequences are [B, L, H] row-major.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "core/nn/long_conv.h"

namespace mixer_reference {

using Vec = std::vector<double>;

// y = k * u + D u with k [H, taps] (causal) or [H, 2, taps] (bidirectional;
// the anticausal tap s looks s + 1 steps ahead); taps may exceed L. D may be
// empty.
inline Vec long_conv(const Vec& u, const Vec& k, const Vec& d, int64_t batch, int64_t length,
                     int64_t channels, int64_t taps, bool bidirectional) {
  Vec y(u.size(), 0.0);
  const int64_t dirs = bidirectional ? 2 : 1;
  auto at = [&](int64_t b, int64_t t, int64_t h) { return (b * length + t) * channels + h; };
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < length; ++t)
      for (int64_t h = 0; h < channels; ++h) {
        double s = d.empty() ? 0.0 : d[h] * u[at(b, t, h)];
        for (int64_t j = 0; j < taps && j <= t; ++j)
          s += k[(h * dirs) * taps + j] * u[at(b, t - j, h)];
        if (bidirectional) {
          for (int64_t j = 0; j < taps && t + 1 + j < length; ++j)
            s += k[(h * 2 + 1) * taps + j] * u[at(b, t + 1 + j, h)];
        }
        y[at(b, t, h)] = s;
      }
  return y;
}

// avg_pool1d(window, stride 1, padding window / 2), zero padding counted,
// along rows of length n.
inline Vec smooth(const Vec& k, int64_t n, int64_t window) {
  Vec out(k.size(), 0.0);
  const int64_t half = window / 2;
  for (size_t r = 0; r < k.size() / static_cast<size_t>(n); ++r)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0.0;
      for (int64_t i = j - half; i <= j + half; ++i)
        if (i >= 0 && i < n) s += k[r * n + i];
      out[r * n + j] = s / static_cast<double>(window);
    }
  return out;
}

inline Vec squash(const Vec& k, double lambda) {
  Vec out(k.size());
  for (size_t i = 0; i < k.size(); ++i) {
    const double m = std::abs(k[i]) - lambda;
    out[i] = m > 0.0 ? std::copysign(m, k[i]) : 0.0;
  }
  return out;
}

// S4D by its recurrence, per channel h and mode n, ZOH-discretised:
//   x_l = exp(dt A) x_{l-1} + (exp(dt A) - 1) / A u_l,  y_l = 2 Re sum_n C x_l + D u_l.
// Parameters as the module stores them: log_dt [H], log_A_real, A_imag
// [H, M], C [H, M, 2], D [H].
inline Vec s4d_recurrence(const Vec& u, const Vec& log_dt, const Vec& log_a_real, const Vec& a_imag,
                          const Vec& c, const Vec& d, int64_t batch, int64_t length,
                          int64_t channels, int64_t modes) {
  using C64 = std::complex<double>;
  Vec y(u.size(), 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < channels; ++h) {
      const double dt = std::exp(log_dt[h]);
      std::vector<C64> x(static_cast<size_t>(modes), C64(0.0, 0.0));
      for (int64_t t = 0; t < length; ++t) {
        const int64_t at = (b * length + t) * channels + h;
        double out = d.empty() ? 0.0 : d[h] * u[at];
        for (int64_t n = 0; n < modes; ++n) {
          const int64_t i = h * modes + n;
          const C64 a(-std::exp(log_a_real[i]), a_imag[i]);
          const C64 z = std::exp(a * dt);
          x[n] = z * x[n] + (z - 1.0) / a * u[at];
          out += 2.0 * (C64(c[2 * i], c[2 * i + 1]) * x[n]).real();
        }
        y[at] = out;
      }
    }
  return y;
}

// A LongConv whose kernel is used as given (no smoothing, no squash), so it
// can be compared with the plain convolution references above.
inline core::LongConvConfig unregularised_long_conv(int64_t channels, int64_t length) {
  core::LongConvConfig c;
  c.channels = channels;
  c.length = length;
  c.smooth = false;
  c.squash_lambda = 0.0f;
  return c;
}

}  // namespace mixer_reference
