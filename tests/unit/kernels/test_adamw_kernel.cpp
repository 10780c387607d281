#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/cpu/adamw.h"

namespace {

// The update in double, step by step.
void reference_update(std::vector<double>& p, const std::vector<float>& g, std::vector<double>& m,
                      std::vector<double>& v, const kernels::cpu::AdamWHyper& h) {
  const double b1 = 1 - std::pow(h.beta1, static_cast<double>(h.step));
  const double b2 = 1 - std::pow(h.beta2, static_cast<double>(h.step));
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] *= 1 - h.lr * h.weight_decay;
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    p[i] -= h.lr / b1 * m[i] / (std::sqrt(v[i]) / std::sqrt(b2) + h.eps);
  }
}

}  // namespace

TEST(AdamWKernel, TracksTheDoubleReferenceOverManySteps) {
  std::mt19937 engine(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const size_t n = 257;
  std::vector<float> p(n), m(n, 0.0f), v(n, 0.0f), g(n);
  for (auto& x : p)
    x = normal(engine);
  std::vector<double> pd(p.begin(), p.end()), md(n, 0.0), vd(n, 0.0);
  kernels::cpu::AdamWHyper h;
  h.lr = 3e-3;
  h.weight_decay = 0.05;
  for (int step = 1; step <= 50; ++step) {
    for (auto& x : g)
      x = normal(engine) * 0.1f;
    h.step = step;
    kernels::cpu::adamw_update(p.data(), g.data(), m.data(), v.data(), static_cast<int64_t>(n), h);
    reference_update(pd, g, md, vd, h);
  }
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(p[i], pd[i], 1e-5) << i;
    EXPECT_NEAR(m[i], md[i], 1e-6) << i;
    EXPECT_NEAR(v[i], vd[i], 1e-7) << i;
  }
}

TEST(AdamWKernel, FirstStepMovesEachWeightByTheLearningRate) {
  // After one step m / sqrt(v) is sign(g) (up to eps): |update| = lr.
  std::vector<float> p{1.0f, -1.0f, 0.0f}, g{0.3f, -2.0f, 0.0f}, m(3, 0.0f), v(3, 0.0f);
  kernels::cpu::AdamWHyper h;
  h.lr = 0.01;
  kernels::cpu::adamw_update(p.data(), g.data(), m.data(), v.data(), 3, h);
  EXPECT_NEAR(p[0], 0.99f, 1e-6);
  EXPECT_NEAR(p[1], -0.99f, 1e-6);
  EXPECT_EQ(p[2], 0.0f);  // no gradient, no decay: untouched
}

TEST(AdamWKernel, RejectsStepZero) {
  float x = 0;
  kernels::cpu::AdamWHyper h;
  h.step = 0;
  EXPECT_THROW(kernels::cpu::adamw_update(&x, &x, &x, &x, 1, h), std::invalid_argument);
}
