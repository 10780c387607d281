#include "neuro/glm/distributions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace neuro {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The continued fraction of I_x(a, b) (Numerical Recipes' betacf) by the
// modified Lentz method. Converges fast for x < (a + 1) / (a + b + 2); the
// number of terms grows like sqrt(max(a, b)), hence the generous cap.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  constexpr int kMaxTerms = 200000;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    const double md = m, m2 = 2.0 * md;
    double aa = md * (b - md) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}

double log_beta(double a, double b) {
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

// log of x^a y^b / (a B(a, b)) * cf, the direct branch, with log x and log y
// given so that neither is formed by subtraction.
double log_direct(double a, double b, double x, double log_x, double log_y) {
  const double cf = beta_continued_fraction(a, b, x);
  return a * log_x + b * log_y - log_beta(a, b) - std::log(a) + std::log(cf);
}

// log I_x(a, b) with both logs supplied (x and y = 1 - x themselves may have
// underflowed when they come from a huge t).
double log_incomplete_beta_logs(double a, double b, double x, double y, double log_x,
                                double log_y) {
  if (x <= 0.0 && log_x == -kInf) return -kInf;
  if (y <= 0.0 && log_y == -kInf) return 0.0;
  if (x < (a + 1.0) / (a + b + 2.0)) return log_direct(a, b, x, log_x, log_y);
  // I_x(a, b) = 1 - I_y(b, a); the second term is below about 1/2 here.
  const double complement = std::exp(log_direct(b, a, y, log_y, log_x));
  return std::log1p(-std::min(complement, 1.0));
}

// Acklam's rational approximation of Phi^-1 (relative error 1.2e-9), the
// starting point for the Newton steps in normal_isf_from_log.
double acklam_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  if (p > 1.0 - kLow) return -acklam_quantile(1.0 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

double log_normal_pdf(double z) {
  return -0.5 * z * z - 0.5 * std::log(2.0 * std::numbers::pi);
}

}  // namespace

double log_incomplete_beta(double a, double b, double x, double y) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0) || !(x <= 1.0) || !(y >= 0.0) || !(y <= 1.0) ||
      std::fabs(x + y - 1.0) > 1e-12) {
    return kNaN;
  }
  return log_incomplete_beta_logs(a, b, x, y, std::log(x), std::log(y));
}

double student_t_log_sf(double t, double dof) {
  if (std::isnan(t) || !(dof > 0.0)) return kNaN;
  if (std::isinf(dof)) return normal_log_sf(t);
  if (t == kInf) return -kInf;
  if (t == -kInf) return 0.0;
  if (t < 0.0) return std::log1p(-std::exp(student_t_log_sf(-t, dof)));
  // P(T > t) = I_x(dof / 2, 1 / 2) / 2 with x = dof / (dof + t^2). With
  // r = t / sqrt(dof): x = 1 / (1 + r^2), y = r^2 / (1 + r^2), whose logs are
  // formed without cancellation (and without overflow for huge r).
  const double r = t / std::sqrt(dof);
  double log_x, log_y;
  if (r > 1e150) {
    log_x = -2.0 * std::log(r);
    log_y = 0.0;
  } else {
    const double r2 = r * r;
    log_x = -std::log1p(r2);
    log_y = r2 > 0.0 ? -std::log1p(1.0 / r2) : -kInf;
  }
  const double x = std::exp(log_x), y = std::exp(log_y);
  return std::log(0.5) + log_incomplete_beta_logs(0.5 * dof, 0.5, x, y, log_x, log_y);
}

double student_t_cdf(double t, double dof) {
  const double log_sf = student_t_log_sf(t, dof);
  return -std::expm1(log_sf);
}

double normal_log_sf(double z) {
  if (std::isnan(z)) return kNaN;
  if (z < 35.0) return std::log(0.5 * std::erfc(z / std::numbers::sqrt2));
  // Q(z) = phi(z) / z * (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...), good to 1e-14 here.
  const double w = 1.0 / (z * z);
  const double series =
      1.0 - w * (1.0 - 3.0 * w * (1.0 - 5.0 * w * (1.0 - 7.0 * w * (1.0 - 9.0 * w))));
  return log_normal_pdf(z) - std::log(z) + std::log(series);
}

double normal_isf_from_log(double log_p) {
  if (std::isnan(log_p) || log_p > 0.0) return kNaN;
  if (log_p == 0.0) return -kInf;
  if (log_p == -kInf) return kInf;
  if (log_p > std::log(0.5)) {
    // Below the median: Q(z) = p means Q(-z) = 1 - p.
    return -normal_isf_from_log(std::log(-std::expm1(log_p)));
  }
  double z;
  if (log_p > -690.0) {
    z = -acklam_quantile(std::exp(log_p));
  } else {
    const double l = -2.0 * log_p;
    z = std::sqrt(l - std::log(l) - std::log(2.0 * std::numbers::pi));
  }
  // Newton on g(z) = log Q(z) - log p, g'(z) = -phi(z) / Q(z): quadratic from
  // a start this close, and in logs so nothing underflows.
  for (int iteration = 0; iteration < 50; ++iteration) {
    const double log_q = normal_log_sf(z);
    const double slope = -std::exp(log_normal_pdf(z) - log_q);
    const double step = (log_q - log_p) / slope;
    z -= step;
    if (std::fabs(step) <= 1e-15 * (1.0 + std::fabs(z))) break;
  }
  return z;
}

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) return kNaN;
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  // Phi^-1(p) = Q^-1(1 - p); take the tail that is small to keep its digits.
  if (p < 0.5) return -normal_isf_from_log(std::log(p));
  return normal_isf_from_log(std::log1p(-p));
}

double z_from_t(double t, double dof) {
  if (std::isnan(t) || !(dof > 0.0)) return kNaN;
  if (std::isinf(dof)) return t;
  if (t == 0.0) return 0.0;
  if (t < 0.0) return -z_from_t(-t, dof);
  return normal_isf_from_log(student_t_log_sf(t, dof));
}

}  // namespace neuro
