#pragma once
// Multinomial logistic regression: the linear baseline every decoder is
// compared with. Minimises the mean cross-entropy plus (l2 / 2) * ||W||^2 (the
// intercepts are not penalised), which is scikit-learn's LogisticRegression
// (multinomial, lbfgs) with C = 1 / (l2 * N).

#include <cstdint>
#include <span>
#include <vector>

#include "core/optim/lbfgs.h"

namespace core {

struct SoftmaxRegressionOptions {
  double l2 = 1e-2;
  // Weight each sample by N / (K * count of its class), as class_weight="balanced".
  bool balanced_classes = false;
  LbfgsOptions solver{10, 1000, 1e-7, 0.0};
};

class SoftmaxRegression {
 public:
  // features [N, F] row-major, labels [N] in [0, classes).
  void fit(std::span<const float> features, int64_t samples, int64_t feature_count,
           std::span<const int> labels, int classes, const SoftmaxRegressionOptions& options = {});

  // [N, K] class probabilities.
  std::vector<double> predict_proba(std::span<const float> features, int64_t samples) const;
  std::vector<int> predict(std::span<const float> features, int64_t samples) const;

  int classes() const { return classes_; }
  int64_t feature_count() const { return features_; }
  const std::vector<double>& weights() const { return weights_; }        // [K, F]
  const std::vector<double>& intercepts() const { return intercepts_; }  // [K]
  const LbfgsResult& solver_result() const { return solver_result_; }

 private:
  int classes_ = 0;
  int64_t features_ = 0;
  std::vector<double> weights_;
  std::vector<double> intercepts_;
  LbfgsResult solver_result_;
};

}  // namespace core
