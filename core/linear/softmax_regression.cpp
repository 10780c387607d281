#include "core/linear/softmax_regression.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace core {

namespace {

// Log-probabilities of one sample from its logits, stable for large logits.
void log_softmax(std::span<double> logits) {
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (double v : logits)
    sum += std::exp(v - top);
  const double log_sum = top + std::log(sum);
  for (double& v : logits)
    v -= log_sum;
}

}  // namespace

void SoftmaxRegression::fit(std::span<const float> x, int64_t n, int64_t f, std::span<const int> y,
                            int k, const SoftmaxRegressionOptions& options) {
  if (n <= 0 || f <= 0 || k < 2) {
    throw std::invalid_argument("softmax regression: needs samples, features and >= 2 classes");
  }
  if (static_cast<int64_t>(x.size()) != n * f || static_cast<int64_t>(y.size()) != n) {
    throw std::invalid_argument("softmax regression: features must be [N, F] and labels [N]");
  }
  std::vector<double> sample_weight(static_cast<size_t>(n), 1.0);
  std::vector<int64_t> counts(static_cast<size_t>(k), 0);
  for (int label : y) {
    if (label < 0 || label >= k) {
      throw std::invalid_argument("softmax regression: label " + std::to_string(label) +
                                  " outside [0, " + std::to_string(k) + ")");
    }
    ++counts[static_cast<size_t>(label)];
  }
  if (options.balanced_classes) {
    for (int64_t i = 0; i < n; ++i) {
      const auto c = counts[static_cast<size_t>(y[static_cast<size_t>(i)])];
      sample_weight[static_cast<size_t>(i)] = static_cast<double>(n) / (k * static_cast<double>(c));
    }
  }
  classes_ = k;
  features_ = f;
  // Parameters: W [K, F] then b [K].
  std::vector<double> theta(static_cast<size_t>(k * f + k), 0.0);
  const double inv_n = 1.0 / static_cast<double>(n);
  const Objective objective = [&](std::span<const double> p, std::span<double> grad) {
    std::fill(grad.begin(), grad.end(), 0.0);
    const double* w = p.data();
    const double* b = p.data() + k * f;
    double loss = 0;
    std::vector<double> logits(static_cast<size_t>(k));
    for (int64_t i = 0; i < n; ++i) {
      const float* xi = x.data() + i * f;
      for (int c = 0; c < k; ++c) {
        double z = b[c];
        const double* wc = w + c * f;
        for (int64_t j = 0; j < f; ++j)
          z += wc[j] * xi[j];
        logits[static_cast<size_t>(c)] = z;
      }
      log_softmax(logits);
      const int label = y[static_cast<size_t>(i)];
      const double sw = sample_weight[static_cast<size_t>(i)] * inv_n;
      loss -= sw * logits[static_cast<size_t>(label)];
      for (int c = 0; c < k; ++c) {
        // d(-log p_label)/dz_c = p_c - [c == label]
        const double delta = sw * (std::exp(logits[static_cast<size_t>(c)]) - (c == label));
        double* gc = grad.data() + c * f;
        for (int64_t j = 0; j < f; ++j)
          gc[j] += delta * xi[j];
        grad[static_cast<size_t>(k * f + c)] += delta;
      }
    }
    for (int64_t j = 0; j < k * f; ++j) {
      loss += 0.5 * options.l2 * w[j] * w[j];
      grad[static_cast<size_t>(j)] += options.l2 * w[j];
    }
    return loss;
  };
  solver_result_ = minimize_lbfgs(objective, theta, options.solver);
  weights_.assign(theta.begin(), theta.begin() + k * f);
  intercepts_.assign(theta.begin() + k * f, theta.end());
}

std::vector<double> SoftmaxRegression::predict_proba(std::span<const float> x, int64_t n) const {
  if (static_cast<int64_t>(x.size()) != n * features_) {
    throw std::invalid_argument("softmax regression: expected [N, " + std::to_string(features_) +
                                "] features");
  }
  std::vector<double> proba(static_cast<size_t>(n * classes_));
  for (int64_t i = 0; i < n; ++i) {
    std::span<double> row(proba.data() + i * classes_, static_cast<size_t>(classes_));
    for (int c = 0; c < classes_; ++c) {
      double z = intercepts_[static_cast<size_t>(c)];
      for (int64_t j = 0; j < features_; ++j) {
        z += weights_[static_cast<size_t>(c * features_ + j)] *
             x[static_cast<size_t>(i * features_ + j)];
      }
      row[static_cast<size_t>(c)] = z;
    }
    log_softmax(row);
    for (double& v : row)
      v = std::exp(v);
  }
  return proba;
}

std::vector<int> SoftmaxRegression::predict(std::span<const float> x, int64_t n) const {
  const auto proba = predict_proba(x, n);
  std::vector<int> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto* row = proba.data() + i * classes_;
    out[static_cast<size_t>(i)] = static_cast<int>(std::max_element(row, row + classes_) - row);
  }
  return out;
}

}  // namespace core
