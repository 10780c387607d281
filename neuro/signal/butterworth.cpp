#include "neuro/signal/butterworth.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace neuro {

namespace {

using Complex = std::complex<double>;
using Roots = std::vector<Complex>;

// Mirrors scipy's numpy.isreal: an exactly zero imaginary part.
bool is_real(const Complex& z) {
  return z.imag() == 0.0;
}

Complex product(const Roots& roots, double shift) {
  Complex p(1.0, 0.0);
  for (const Complex& r : roots)
    p *= Complex(shift, 0.0) - r;
  return p;
}

// Zeros, poles and gain of the analogue prototype and its transforms; the
// steps and their order follow scipy.signal.iirfilter so that the sections
// come out the same.
struct Zpk {
  Roots z, p;
  double k = 1.0;
};

Zpk butterworth_prototype(int order) {
  Zpk f;
  for (int m = -order + 1; m < order; m += 2) {
    // The middle value m = 0 gives an exactly real pole at -1.
    const double theta = std::numbers::pi * m / (2.0 * order);
    f.p.emplace_back(-std::cos(theta), -std::sin(theta));
  }
  return f;
}

// Pairs the digital zeros and poles into sections the way scipy's zpk2sos
// does with pairing='nearest': the poles closest to the unit circle go last,
// each with the zeros nearest to it.
class SectionPairing {
 public:
  static SecondOrderSections pair(Roots z, Roots p, double k);

 private:
  // scipy's _cplxreal: one representative (positive imaginary part) per
  // conjugate pair, sorted by real part then |imag|, followed by the reals.
  static Roots conjugate_pairs_then_reals(const Roots& values);
  static size_t worst(const Roots& p);
  enum class Kind { kReal, kComplex, kAny };
  static size_t nearest(const Roots& from, const Complex& to, Kind kind);
  static std::array<double, 3> polynomial(const Roots& roots);
  static std::array<double, 6> section(const Roots& z, const Roots& p);
};

Roots SectionPairing::conjugate_pairs_then_reals(const Roots& values) {
  const double tol = 100.0 * std::numeric_limits<double>::epsilon();
  Roots z = values;
  std::stable_sort(z.begin(), z.end(), [](const Complex& a, const Complex& b) {
    if (a.real() != b.real()) return a.real() < b.real();
    return std::abs(a.imag()) < std::abs(b.imag());
  });
  Roots reals, positive, negative;
  for (const Complex& v : z) {
    if (std::abs(v.imag()) <= tol * std::abs(v)) {
      reals.emplace_back(v.real(), 0.0);
    } else if (v.imag() > 0) {
      positive.push_back(v);
    } else {
      negative.push_back(v);
    }
  }
  if (positive.size() != negative.size()) {
    throw std::invalid_argument("butterworth: a complex root has no conjugate");
  }
  // Within runs of (nearly) equal real parts, order by |imag| so that the
  // halves of each pair line up.
  const auto by_imag = [](const Complex& a, const Complex& b) {
    return std::abs(a.imag()) < std::abs(b.imag());
  };
  size_t start = 0;
  while (start < positive.size()) {
    size_t stop = start + 1;
    while (stop < positive.size() && positive[stop].real() - positive[stop - 1].real() <=
                                         tol * std::abs(positive[stop - 1])) {
      ++stop;
    }
    std::stable_sort(positive.begin() + static_cast<std::ptrdiff_t>(start),
                     positive.begin() + static_cast<std::ptrdiff_t>(stop), by_imag);
    std::stable_sort(negative.begin() + static_cast<std::ptrdiff_t>(start),
                     negative.begin() + static_cast<std::ptrdiff_t>(stop), by_imag);
    start = stop;
  }
  Roots out;
  for (size_t i = 0; i < positive.size(); ++i) {
    if (std::abs(positive[i] - std::conj(negative[i])) > tol * std::abs(negative[i])) {
      throw std::invalid_argument("butterworth: a complex root has no conjugate");
    }
    out.push_back((positive[i] + std::conj(negative[i])) / 2.0);
  }
  out.insert(out.end(), reals.begin(), reals.end());
  return out;
}

size_t SectionPairing::worst(const Roots& p) {
  size_t best = 0;
  for (size_t i = 1; i < p.size(); ++i) {
    if (std::abs(1.0 - std::abs(p[i])) < std::abs(1.0 - std::abs(p[best]))) best = i;
  }
  return best;
}

size_t SectionPairing::nearest(const Roots& from, const Complex& to, Kind kind) {
  std::vector<size_t> order(from.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::abs(from[a] - to) < std::abs(from[b] - to);
  });
  for (size_t i : order) {
    if (kind == Kind::kAny || (kind == Kind::kReal) == is_real(from[i])) return i;
  }
  throw std::invalid_argument("butterworth: no zero of the requested kind is left to pair");
}

std::array<double, 3> SectionPairing::polynomial(const Roots& roots) {
  // numpy.poly: successive convolution with [1, -root], then the real part.
  std::vector<Complex> c = {Complex(1.0, 0.0)};
  for (const Complex& r : roots) {
    std::vector<Complex> next(c.size() + 1, Complex(0.0, 0.0));
    for (size_t i = 0; i < c.size(); ++i) {
      next[i] += c[i];
      next[i + 1] += c[i] * (-r);
    }
    c = std::move(next);
  }
  // Right-aligned in three slots, as scipy's _single_zpksos places them.
  std::array<double, 3> out = {0.0, 0.0, 0.0};
  for (size_t i = 0; i < c.size(); ++i)
    out[3 - c.size() + i] = c[i].real();
  return out;
}

std::array<double, 6> SectionPairing::section(const Roots& z, const Roots& p) {
  const auto b = polynomial(z), a = polynomial(p);
  return {b[0], b[1], b[2], a[0], a[1], a[2]};
}

SecondOrderSections SectionPairing::pair(Roots z, Roots p, double k) {
  // Equal numbers of poles and zeros, made even with one more at the origin.
  while (p.size() < z.size())
    p.emplace_back(0.0, 0.0);
  while (z.size() < p.size())
    z.emplace_back(0.0, 0.0);
  const size_t n_sections = (p.size() + 1) / 2;
  if (p.size() % 2 == 1) {
    p.emplace_back(0.0, 0.0);
    z.emplace_back(0.0, 0.0);
  }
  z = conjugate_pairs_then_reals(z);
  p = conjugate_pairs_then_reals(p);

  const auto take = [](Roots& r, size_t i) {
    const Complex v = r[i];
    r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
    return v;
  };
  const auto count_real = [](const Roots& r) {
    return std::count_if(r.begin(), r.end(), [](const Complex& v) { return is_real(v); });
  };

  SecondOrderSections sos(n_sections);
  for (size_t si = n_sections; si-- > 0;) {
    const Complex p1 = take(p, worst(p));
    if (is_real(p1) && count_real(p) == 0) {
      // The last real pole: paired with the nearest real zero (and the origin).
      const Complex z1 = take(z, nearest(z, p1, Kind::kReal));
      sos[si] = section({z1, Complex(0.0, 0.0)}, {p1, Complex(0.0, 0.0)});
    } else if (p.size() + 1 == z.size() && !is_real(p1) && count_real(p) == 1 &&
               count_real(z) == 1) {
      // One real pole and one real zero remain for later: this complex pole
      // must take a complex zero pair.
      const Complex z1 = take(z, nearest(z, p1, Kind::kComplex));
      sos[si] = section({z1, std::conj(z1)}, {p1, std::conj(p1)});
    } else {
      Complex p2;
      if (is_real(p1)) {
        std::vector<size_t> real_index;
        Roots real_poles;
        for (size_t i = 0; i < p.size(); ++i) {
          if (is_real(p[i])) {
            real_index.push_back(i);
            real_poles.push_back(p[i]);
          }
        }
        p2 = take(p, real_index[worst(real_poles)]);
      } else {
        p2 = std::conj(p1);
      }
      if (z.empty()) {
        sos[si] = section({}, {p1, p2});
      } else {
        const Complex z1 = take(z, nearest(z, p1, Kind::kAny));
        if (!is_real(z1)) {
          sos[si] = section({z1, std::conj(z1)}, {p1, p2});
        } else if (!z.empty()) {
          const Complex z2 = take(z, nearest(z, p1, Kind::kReal));
          sos[si] = section({z1, z2}, {p1, p2});
        } else {
          sos[si] = section({z1}, {p1, p2});
        }
      }
    }
  }
  for (int i = 0; i < 3; ++i)
    sos[0][static_cast<size_t>(i)] *= k;
  return sos;
}

void check_cut_off(double hz, double nyquist, const char* which) {
  if (hz < 0.0 || !std::isfinite(hz)) {
    throw std::invalid_argument(std::string("butterworth: the ") + which +
                                " cut-off must be a non-negative number of Hz, got " +
                                std::to_string(hz));
  }
  if (hz >= nyquist) {
    throw std::invalid_argument(std::string("butterworth: the ") + which + " cut-off " +
                                std::to_string(hz) + " Hz is not below the Nyquist frequency " +
                                std::to_string(nyquist) + " Hz");
  }
}

// sosfilt_zi: per-section state of the steady response to a unit step.
std::vector<std::array<double, 2>> step_steady_state(const SecondOrderSections& sos) {
  std::vector<std::array<double, 2>> zi(sos.size());
  double scale = 1.0;
  for (size_t s = 0; s < sos.size(); ++s) {
    const auto& c = sos[s];
    const double b0 = c[0], b1 = c[1], b2 = c[2], a1 = c[4], a2 = c[5];
    // Solves zi = A zi + B for the transposed direct form II companion matrix.
    const double r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
    const double z0 = (r0 + r1) / (1.0 + a1 + a2);
    zi[s] = {scale * z0, scale * (r1 - a2 * z0)};
    scale *= (b0 + b1 + b2) / (c[3] + a1 + a2);
  }
  return zi;
}

// Transposed direct form II, section after section, with state `z` updated.
void run_sections(const SecondOrderSections& sos, std::vector<std::array<double, 2>>& z, double* x,
                  int64_t length) {
  for (int64_t i = 0; i < length; ++i) {
    double v = x[i];
    for (size_t s = 0; s < sos.size(); ++s) {
      const auto& c = sos[s];
      const double y = c[0] * v + z[s][0];
      z[s][0] = c[1] * v - c[4] * y + z[s][1];
      z[s][1] = c[2] * v - c[5] * y;
      v = y;
    }
    x[i] = v;
  }
}

void check_sections(const SecondOrderSections& sos) {
  if (sos.empty()) throw std::invalid_argument("butterworth: no filter sections");
  for (const auto& c : sos) {
    if (c[3] != 1.0) throw std::invalid_argument("butterworth: a section has a0 != 1");
  }
}

}  // namespace

SecondOrderSections butterworth_sections(int order, double high_pass_hz, double low_pass_hz,
                                         double sampling_hz) {
  if (order < 1) {
    throw std::invalid_argument("butterworth: the order must be at least 1, got " +
                                std::to_string(order));
  }
  if (!(sampling_hz > 0.0) || !std::isfinite(sampling_hz)) {
    throw std::invalid_argument("butterworth: the sampling frequency must be positive");
  }
  const double nyquist = sampling_hz / 2.0;
  check_cut_off(high_pass_hz, nyquist, "high-pass");
  check_cut_off(low_pass_hz, nyquist, "low-pass");
  const bool high = high_pass_hz > 0.0, low = low_pass_hz > 0.0;
  if (!high && !low) throw std::invalid_argument("butterworth: no cut-off frequency given");
  if (high && low && high_pass_hz >= low_pass_hz) {
    throw std::invalid_argument(
        "butterworth: the high-pass cut-off " + std::to_string(high_pass_hz) +
        " Hz must be below the low-pass cut-off " + std::to_string(low_pass_hz) + " Hz");
  }

  // Pre-warp the normalised frequencies for the bilinear transform (fs = 2).
  const auto warp = [&](double hz) {
    const double wn = 2.0 * hz / sampling_hz;
    return 2.0 * 2.0 * std::tan(std::numbers::pi * wn / 2.0);
  };
  Zpk f = butterworth_prototype(order);
  const int degree_before = order;  // the prototype has no finite zeros
  if (high && low) {
    const double w_low = warp(high_pass_hz), w_high = warp(low_pass_hz);
    const double bw = w_high - w_low, wo = std::sqrt(w_low * w_high);
    Roots p;
    for (const Complex& pole : f.p) {
      const Complex scaled = pole * bw / 2.0;
      const Complex root = std::sqrt(scaled * scaled - wo * wo);
      p.push_back(scaled + root);
    }
    for (const Complex& pole : f.p) {
      const Complex scaled = pole * bw / 2.0;
      p.push_back(scaled - std::sqrt(scaled * scaled - wo * wo));
    }
    f.p = std::move(p);
    f.z.assign(static_cast<size_t>(degree_before), Complex(0.0, 0.0));
    f.k = std::pow(bw, degree_before);
  } else if (high) {
    const double wo = warp(high_pass_hz);
    Complex minus_p_product(1.0, 0.0);
    for (Complex& pole : f.p) {
      minus_p_product *= -pole;
      pole = Complex(wo, 0.0) / pole;
    }
    f.z.assign(static_cast<size_t>(degree_before), Complex(0.0, 0.0));
    f.k = (Complex(1.0, 0.0) / minus_p_product).real();
  } else {
    const double wo = warp(low_pass_hz);
    for (Complex& pole : f.p)
      pole *= wo;
    f.k = std::pow(wo, degree_before);
  }

  // Bilinear transform with fs = 2; zeros at infinity go to Nyquist (z = -1).
  const double fs2 = 4.0;
  const size_t degree = f.p.size() - f.z.size();
  const Complex gain = product(f.z, fs2) / product(f.p, fs2);
  for (Complex& v : f.z)
    v = (fs2 + v) / (fs2 - v);
  for (Complex& v : f.p)
    v = (fs2 + v) / (fs2 - v);
  f.z.insert(f.z.end(), degree, Complex(-1.0, 0.0));
  f.k *= gain.real();

  return SectionPairing::pair(std::move(f.z), std::move(f.p), f.k);
}

int64_t default_pad_length(const SecondOrderSections& sos) {
  const auto zeros_b2 = std::count_if(sos.begin(), sos.end(), [](auto& c) { return c[2] == 0.0; });
  const auto zeros_a2 = std::count_if(sos.begin(), sos.end(), [](auto& c) { return c[5] == 0.0; });
  const int64_t taps =
      2 * static_cast<int64_t>(sos.size()) + 1 - static_cast<int64_t>(std::min(zeros_b2, zeros_a2));
  return 3 * taps;
}

void filter_causal(const SecondOrderSections& sos, double* x, int64_t length) {
  check_sections(sos);
  std::vector<std::array<double, 2>> z(sos.size(), {0.0, 0.0});
  run_sections(sos, z, x, length);
}

void filter_zero_phase(const SecondOrderSections& sos, double* x, int64_t frames, int64_t columns,
                       int64_t pad_length) {
  check_sections(sos);
  const int64_t edge = pad_length < 0 ? default_pad_length(sos) : pad_length;
  if (frames <= edge) {
    throw std::invalid_argument("butterworth: the zero-phase filter pads " + std::to_string(edge) +
                                " frames at each end and needs more than that, got " +
                                std::to_string(frames));
  }
  const auto steady = step_steady_state(sos);
  const int64_t length = frames + 2 * edge;
  std::vector<double> ext(static_cast<size_t>(length));  // [edge | frames | edge]
  std::vector<std::array<double, 2>> z(sos.size());
  for (int64_t c = 0; c < columns; ++c) {
    const auto in = [&](int64_t t) { return x[t * columns + c]; };
    // Odd extension: a point reflection about each end sample.
    const double first = in(0), last = in(frames - 1);
    for (int64_t i = 0; i < edge; ++i) {
      ext[static_cast<size_t>(i)] = 2.0 * first - in(edge - i);
      ext[static_cast<size_t>(edge + frames + i)] = 2.0 * last - in(frames - 2 - i);
    }
    for (int64_t t = 0; t < frames; ++t)
      ext[static_cast<size_t>(edge + t)] = in(t);

    const double x0 = ext.front();
    for (size_t s = 0; s < sos.size(); ++s)
      z[s] = {steady[s][0] * x0, steady[s][1] * x0};
    run_sections(sos, z, ext.data(), length);

    std::reverse(ext.begin(), ext.end());
    const double y0 = ext.front();
    for (size_t s = 0; s < sos.size(); ++s)
      z[s] = {steady[s][0] * y0, steady[s][1] * y0};
    run_sections(sos, z, ext.data(), length);
    std::reverse(ext.begin(), ext.end());

    for (int64_t t = 0; t < frames; ++t)
      x[t * columns + c] = ext[static_cast<size_t>(edge + t)];
  }
}

}  // namespace neuro
