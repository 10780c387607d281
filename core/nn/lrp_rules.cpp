#include "core/nn/lrp_rules.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace core {
namespace {

double pos(double v) {
  return std::max(v, 0.0);
}
double neg(double v) {
  return std::min(v, 0.0);
}

// r / stabilise(z); no relevance passes through a zero denominator.
double ratio(double r, double z, double eps) {
  const double d = lrp_stabilise(z, eps);
  return d == 0.0 ? 0.0 : r / d;
}

void epsilon_row(const double* x, const float* w, const float* b, const float* rz, int64_t in,
                 int64_t out, double eps, double* s, double* acc) {
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    double z = b ? b[i] : 0.0;
    for (int64_t j = 0; j < in; ++j)
      z += wi[j] * x[j];
    s[i] = ratio(rz[i], z, eps);
  }
  std::fill(acc, acc + in, 0.0);
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    for (int64_t j = 0; j < in; ++j)
      acc[j] += wi[j] * s[i];
  }
  for (int64_t j = 0; j < in; ++j)
    acc[j] *= x[j];
}

void gamma_row(const double* x, const float* w, const float* b, const float* rz, int64_t in,
               int64_t out, double gamma, double eps, double* sp, double* sn, double* acc,
               double* acc_neg) {
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    const double bi = b ? b[i] : 0.0;
    double z = bi, zp = bi + gamma * pos(bi), zn = bi + gamma * neg(bi);
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      const double up = wij + gamma * pos(wij), un = wij + gamma * neg(wij);
      z += wij * x[j];
      zp += pos(x[j]) * up + neg(x[j]) * un;
      zn += pos(x[j]) * un + neg(x[j]) * up;
    }
    sp[i] = z >= 0.0 ? ratio(rz[i], zp, eps) : 0.0;
    sn[i] = z >= 0.0 ? 0.0 : ratio(rz[i], zn, eps);
  }
  // acc: what a positive input receives per unit, acc_neg: a negative one.
  std::fill(acc, acc + in, 0.0);
  std::fill(acc_neg, acc_neg + in, 0.0);
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      const double up = wij + gamma * pos(wij), un = wij + gamma * neg(wij);
      acc[j] += up * sp[i] + un * sn[i];
      acc_neg[j] += un * sp[i] + up * sn[i];
    }
  }
  for (int64_t j = 0; j < in; ++j)
    acc[j] = pos(x[j]) * acc[j] + neg(x[j]) * acc_neg[j];
}

void alpha_beta_row(const double* x, const float* w, const float* b, const float* rz, int64_t in,
                    int64_t out, double alpha, double beta, double eps, double* sa, double* sb,
                    double* acc, double* acc_neg) {
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    const double bi = b ? b[i] : 0.0;
    double p = pos(bi), n = neg(bi);
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      p += pos(x[j]) * pos(wij) + neg(x[j]) * neg(wij);
      n += pos(x[j]) * neg(wij) + neg(x[j]) * pos(wij);
    }
    if (n == 0.0) {
      // No negative contributions: the beta share has nowhere to go, and
      // alpha alone would pass alpha R. All of R goes to the positive ones.
      sa[i] = ratio(rz[i], p, eps);
      sb[i] = 0.0;
    } else if (p == 0.0) {
      // Only negative contributions (z = n < 0): they take all of R, each in
      // proportion n_ij / n, rather than R being dropped.
      sa[i] = 0.0;
      sb[i] = -ratio(rz[i], n, eps);
    } else {
      sa[i] = alpha * ratio(rz[i], p, eps);
      sb[i] = beta * ratio(rz[i], n, eps);
    }
  }
  std::fill(acc, acc + in, 0.0);
  std::fill(acc_neg, acc_neg + in, 0.0);
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      acc[j] += pos(wij) * sa[i] - neg(wij) * sb[i];
      acc_neg[j] += neg(wij) * sa[i] - pos(wij) * sb[i];
    }
  }
  for (int64_t j = 0; j < in; ++j)
    acc[j] = pos(x[j]) * acc[j] + neg(x[j]) * acc_neg[j];
}

void zbox_row(const double* x, const float* w, const float* rz, int64_t in, int64_t out, double low,
              double high, double eps, double* s, double* acc, double* acc_pos, double* acc_neg) {
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    double z = 0.0;
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      z += x[j] * wij - low * pos(wij) - high * neg(wij);
    }
    s[i] = ratio(rz[i], z, eps);
  }
  std::fill(acc, acc + in, 0.0);
  std::fill(acc_pos, acc_pos + in, 0.0);
  std::fill(acc_neg, acc_neg + in, 0.0);
  for (int64_t i = 0; i < out; ++i) {
    const float* wi = w + i * in;
    for (int64_t j = 0; j < in; ++j) {
      const double wij = wi[j];
      acc[j] += wij * s[i];
      acc_pos[j] += pos(wij) * s[i];
      acc_neg[j] += neg(wij) * s[i];
    }
  }
  for (int64_t j = 0; j < in; ++j)
    acc[j] = x[j] * acc[j] - low * acc_pos[j] - high * acc_neg[j];
}

}  // namespace

void check_lrp_rule(const LrpRule& rule, const std::string& who) {
  auto fail = [&](const std::string& what) { throw std::invalid_argument(who + ": " + what); };
  if (!(rule.epsilon >= 0.0)) fail("LRP epsilon must be >= 0, got " + std::to_string(rule.epsilon));
  switch (rule.kind) {
    case LrpRule::Kind::kEpsilon:
      break;
    case LrpRule::Kind::kGamma:
      if (!(rule.gamma >= 0.0)) fail("LRP gamma must be >= 0, got " + std::to_string(rule.gamma));
      break;
    case LrpRule::Kind::kAlphaBeta:
      if (!(rule.alpha >= 0.0 && rule.beta >= 0.0) || rule.alpha - rule.beta != 1.0) {
        fail("LRP alpha-beta needs alpha, beta >= 0 and alpha - beta = 1, got alpha " +
             std::to_string(rule.alpha) + ", beta " + std::to_string(rule.beta));
      }
      break;
    case LrpRule::Kind::kZBox:
      if (!(rule.low < rule.high)) {
        fail("LRP z-box needs low < high, got [" + std::to_string(rule.low) + ", " +
             std::to_string(rule.high) + "]");
      }
      break;
  }
}

void dense_relevance(const float* x, const float* w, const float* b, const float* relevance_z,
                     int64_t rows, int64_t in, int64_t out, const LrpRule& rule,
                     float* relevance_x) {
  const auto in_n = static_cast<size_t>(in), out_n = static_cast<size_t>(out);
  std::vector<double> xr(in_n), acc(in_n), acc2(in_n), acc3(in_n), s1(out_n), s2(out_n);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < in; ++j)
      xr[static_cast<size_t>(j)] = x[r * in + j];
    const float* rz = relevance_z + r * out;
    switch (rule.kind) {
      case LrpRule::Kind::kEpsilon:
        epsilon_row(xr.data(), w, b, rz, in, out, rule.epsilon, s1.data(), acc.data());
        break;
      case LrpRule::Kind::kGamma:
        gamma_row(xr.data(), w, b, rz, in, out, rule.gamma, rule.epsilon, s1.data(), s2.data(),
                  acc.data(), acc2.data());
        break;
      case LrpRule::Kind::kAlphaBeta:
        alpha_beta_row(xr.data(), w, b, rz, in, out, rule.alpha, rule.beta, rule.epsilon, s1.data(),
                       s2.data(), acc.data(), acc2.data());
        break;
      case LrpRule::Kind::kZBox:
        zbox_row(xr.data(), w, rz, in, out, rule.low, rule.high, rule.epsilon, s1.data(),
                 acc.data(), acc2.data(), acc3.data());
        break;
    }
    for (int64_t j = 0; j < in; ++j)
      relevance_x[r * in + j] = static_cast<float>(acc[static_cast<size_t>(j)]);
  }
}

}  // namespace core
