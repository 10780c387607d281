#include <gtest/gtest.h>

#include <cmath>

#include "core/linear/softmax_regression.h"
#include "core/random/philox.h"

namespace {

struct Blobs {
  std::vector<float> x;  // [N, F]
  std::vector<int> y;    // [N]
  int64_t n = 0, f = 0;
};

Blobs make_blobs(int per_class, int classes, int64_t f, double separation, uint64_t seed) {
  Blobs b;
  b.f = f;
  core::RandomStream random(seed, 0);
  for (int c = 0; c < classes; ++c) {
    for (int i = 0; i < per_class; ++i) {
      for (int64_t j = 0; j < f; ++j) {
        const double centre = (j % classes == c) ? separation : 0.0;
        b.x.push_back(static_cast<float>(centre + random.normal()));
      }
      b.y.push_back(c);
      ++b.n;
    }
  }
  return b;
}

// The documented objective, evaluated independently of the fitting code.
double objective(const Blobs& b, int k, const std::vector<double>& w, const std::vector<double>& c,
                 double l2) {
  double loss = 0;
  for (int64_t i = 0; i < b.n; ++i) {
    std::vector<double> z(static_cast<size_t>(k));
    for (int a = 0; a < k; ++a) {
      z[static_cast<size_t>(a)] = c[static_cast<size_t>(a)];
      for (int64_t j = 0; j < b.f; ++j) {
        z[static_cast<size_t>(a)] +=
            w[static_cast<size_t>(a * b.f + j)] * b.x[static_cast<size_t>(i * b.f + j)];
      }
    }
    double norm = 0;
    for (double v : z)
      norm += std::exp(v);
    loss -= z[static_cast<size_t>(b.y[static_cast<size_t>(i)])] - std::log(norm);
  }
  double penalty = 0;
  for (double v : w)
    penalty += v * v;
  return loss / static_cast<double>(b.n) + 0.5 * l2 * penalty;
}

}  // namespace

TEST(SoftmaxRegression, FitIsAStationaryPointOfTheDocumentedObjective) {
  const auto b = make_blobs(30, 3, 5, 1.5, 11);
  core::SoftmaxRegression model;
  core::SoftmaxRegressionOptions options;
  options.l2 = 0.05;
  model.fit(b.x, b.n, b.f, b.y, 3, options);
  auto w = model.weights();
  auto c = model.intercepts();
  const double h = 1e-5;
  for (size_t p = 0; p < w.size(); ++p) {
    const double saved = w[p];
    w[p] = saved + h;
    const double up = objective(b, 3, w, c, options.l2);
    w[p] = saved - h;
    const double down = objective(b, 3, w, c, options.l2);
    w[p] = saved;
    EXPECT_NEAR((up - down) / (2 * h), 0.0, 1e-5) << "weight " << p;
  }
  for (size_t p = 0; p < c.size(); ++p) {
    const double saved = c[p];
    c[p] = saved + h;
    const double up = objective(b, 3, w, c, options.l2);
    c[p] = saved - h;
    const double down = objective(b, 3, w, c, options.l2);
    c[p] = saved;
    EXPECT_NEAR((up - down) / (2 * h), 0.0, 1e-5) << "intercept " << p;
  }
}

TEST(SoftmaxRegression, SeparatesWellSeparatedClassesAndProbabilitiesSumToOne) {
  const auto train = make_blobs(40, 4, 8, 4.0, 1);
  const auto test = make_blobs(40, 4, 8, 4.0, 2);
  core::SoftmaxRegression model;
  model.fit(train.x, train.n, train.f, train.y, 4);
  const auto predicted = model.predict(test.x, test.n);
  int correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i)
    correct += predicted[i] == test.y[i];
  EXPECT_GT(correct, 0.95 * static_cast<double>(test.n));
  const auto proba = model.predict_proba(test.x, test.n);
  for (int64_t i = 0; i < test.n; ++i) {
    double sum = 0;
    for (int c = 0; c < 4; ++c)
      sum += proba[static_cast<size_t>(i * 4 + c)];
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(SoftmaxRegression, RejectsLabelsOutsideTheClasses) {
  std::vector<float> x{0, 1, 2};
  std::vector<int> y{0, 1, 5};
  core::SoftmaxRegression model;
  EXPECT_THROW(model.fit(x, 3, 1, y, 2), std::invalid_argument);
}
