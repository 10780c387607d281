#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "finite_difference.h"
#include "golden.h"
#include "kernels/cpu/elementwise.h"

namespace {

using neuroseq_test::close_to;
using neuroseq_test::golden_array;
using neuroseq_test::matches_golden;
using neuroseq_test::numeric_gradient;

// Double references, written from the definitions.
double gelu_ref(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
}
double silu_ref(double x) {
  return x / (1.0 + std::exp(-x));
}

// Inputs away from the activations' few exactly representable kinks, with
// both signs and the tails.
std::vector<float> sample_inputs() {
  std::vector<float> x;
  for (int i = 0; i < 41; ++i)
    x.push_back(-7.1f + 0.353f * static_cast<float>(i));
  return x;
}

std::vector<double> run(void (*op)(const float*, float*, int64_t), const std::vector<float>& x) {
  std::vector<float> y(x.size());
  op(x.data(), y.data(), static_cast<int64_t>(x.size()));
  return {y.begin(), y.end()};
}

std::vector<double> run_backward(void (*op)(const float*, const float*, float*, int64_t),
                                 const std::vector<float>& x, const std::vector<float>& dy) {
  std::vector<float> dx(x.size());
  op(x.data(), dy.data(), dx.data(), static_cast<int64_t>(x.size()));
  return {dx.begin(), dx.end()};
}

TEST(Activations, MatchGoldenValuesAndDerivatives) {
  const auto golden = neuroseq_test::load_golden("activations.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto x = golden_array(golden.at("inputs").at("x")).floats();
  const auto& out = golden.at("outputs");
  const std::vector<float> ones(x.size(), 1.0f);
  EXPECT_TRUE(matches_golden("gelu", run(kernels::cpu::gelu_forward, x),
                             golden_array(out.at("gelu")), tol));
  EXPECT_TRUE(matches_golden("dgelu", run_backward(kernels::cpu::gelu_backward, x, ones),
                             golden_array(out.at("dgelu")), tol));
  EXPECT_TRUE(matches_golden("silu", run(kernels::cpu::silu_forward, x),
                             golden_array(out.at("silu")), tol));
  EXPECT_TRUE(matches_golden("dsilu", run_backward(kernels::cpu::silu_backward, x, ones),
                             golden_array(out.at("dsilu")), tol));
}

TEST(Activations, GeluKeepsRelativeAccuracyInTheNegativeTail) {
  // 1 + erf(x / sqrt 2) cancels to 0 in float below x ~ -5.5; erfc does not.
  const std::vector<float> x{-6.0f, -8.0f, -10.0f};
  const auto y = run(kernels::cpu::gelu_forward, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 0.5 * x[i] * std::erfc(-x[i] / std::numbers::sqrt2);
    EXPECT_NEAR(y[i] / want, 1.0, 1e-5) << "x = " << x[i];
  }
}

TEST(Activations, GeluMatchesTheExactFormOverTheBulk) {
  // The fast normal CDF (Abramowitz & Stegun 7.1.26) against erfc in double.
  std::vector<float> x;
  for (int i = -300; i <= 600; ++i)
    x.push_back(static_cast<float>(i) * 0.01f);
  const auto y = run(kernels::cpu::gelu_forward, x);
  const std::vector<float> ones(x.size(), 1.0f);
  const auto d = run_backward(kernels::cpu::gelu_backward, x, ones);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    const double cdf = 0.5 * std::erfc(-v / std::numbers::sqrt2);
    const double pdf = std::exp(-0.5 * v * v) / std::sqrt(2.0 * std::numbers::pi);
    EXPECT_NEAR(y[i], v * cdf, 2e-7 * std::max(1.0, std::abs(v))) << "x = " << v;
    EXPECT_NEAR(d[i], cdf + v * pdf, 1e-6) << "x = " << v;
  }
}

TEST(Activations, SiluMatchesTheExactFormOverTheBulk) {
  // The vectorised sigmoid against the logistic function in double, from the
  // far negative tail (where only the relative error is meaningful) to where
  // it saturates.
  std::vector<float> x;
  for (int i = -4000; i <= 4000; i += 7)
    x.push_back(static_cast<float>(i) * 0.01f);
  const auto y = run(kernels::cpu::silu_forward, x);
  const std::vector<float> ones(x.size(), 1.0f);
  const auto d = run_backward(kernels::cpu::silu_backward, x, ones);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    const double s = 1.0 / (1.0 + std::exp(-v));
    EXPECT_NEAR(y[i], v * s, 4e-7 * std::abs(v * s) + 1e-30) << "x = " << v;
    EXPECT_NEAR(d[i], s * (1.0 + v * (1.0 - s)), 1e-6) << "x = " << v;
  }
}

TEST(Activations, SiluIsFiniteForLargeInputs) {
  const std::vector<float> x{-200.0f, -90.0f, 90.0f, 200.0f};
  const auto y = run(kernels::cpu::silu_forward, x);
  const std::vector<float> ones(x.size(), 1.0f);
  const auto d = run_backward(kernels::cpu::silu_backward, x, ones);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_TRUE(std::isfinite(y[i]) && std::isfinite(d[i])) << "x = " << x[i];
  }
  EXPECT_EQ(y[3], 200.0);
  EXPECT_EQ(d[3], 1.0);
  EXPECT_EQ(d[0], 0.0);
}

// Backward against central differences of the double reference of
// sum(f(x) * dy), at every sample point with a random-looking dy.
void expect_backward_matches_differences(double (*ref)(double),
                                         void (*backward)(const float*, const float*, float*,
                                                          int64_t),
                                         const char* what) {
  const auto x = sample_inputs();
  std::vector<float> dy(x.size());
  for (size_t i = 0; i < dy.size(); ++i)
    dy[i] = 0.5f + 0.37f * static_cast<float>((i * 7) % 5) - 0.9f * static_cast<float>(i % 2);
  const auto loss = [&](const std::vector<double>& v) {
    double s = 0.0;
    for (size_t i = 0; i < v.size(); ++i)
      s += ref(v[i]) * dy[i];
    return s;
  };
  const auto numeric = numeric_gradient(loss, std::vector<double>(x.begin(), x.end()));
  EXPECT_TRUE(close_to(what, run_backward(backward, x, dy), numeric, 1e-5, 1e-6));
}

TEST(Activations, GeluBackwardMatchesFiniteDifferencesOfDoubleReference) {
  expect_backward_matches_differences(gelu_ref, kernels::cpu::gelu_backward, "gelu backward");
}

TEST(Activations, SiluBackwardMatchesFiniteDifferencesOfDoubleReference) {
  expect_backward_matches_differences(silu_ref, kernels::cpu::silu_backward, "silu backward");
}

TEST(Activations, ForwardMatchesDoubleReference) {
  const auto x = sample_inputs();
  const auto gelu = run(kernels::cpu::gelu_forward, x);
  const auto silu = run(kernels::cpu::silu_forward, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(gelu[i], gelu_ref(x[i]), 1e-6 * std::max(1.0, std::abs(gelu_ref(x[i]))));
    EXPECT_NEAR(silu[i], silu_ref(x[i]), 1e-6 * std::max(1.0, std::abs(silu_ref(x[i]))));
  }
}

TEST(Arithmetic, AddMulScaleAxpyAndRowBias) {
  const std::vector<float> a{1.0f, -2.0f, 3.5f, 0.25f};
  const std::vector<float> b{0.5f, 4.0f, -1.0f, 8.0f};
  std::vector<float> out(4);
  kernels::cpu::add(a.data(), b.data(), out.data(), 4);
  EXPECT_EQ(out, (std::vector<float>{1.5f, 2.0f, 2.5f, 8.25f}));
  kernels::cpu::mul(a.data(), b.data(), out.data(), 4);
  EXPECT_EQ(out, (std::vector<float>{0.5f, -8.0f, -3.5f, 2.0f}));
  kernels::cpu::scale(a.data(), -2.0f, out.data(), 4);
  EXPECT_EQ(out, (std::vector<float>{-2.0f, 4.0f, -7.0f, -0.5f}));
  kernels::cpu::axpy(0.5f, b.data(), out.data(), 4);
  EXPECT_EQ(out, (std::vector<float>{-1.75f, 6.0f, -7.5f, 3.5f}));
  // In place: out may alias an input.
  kernels::cpu::add(out.data(), a.data(), out.data(), 4);
  EXPECT_EQ(out, (std::vector<float>{-0.75f, 4.0f, -4.0f, 3.75f}));
  // [2, 2] += [2] per row.
  std::vector<float> y{1.0f, 2.0f, 3.0f, 4.0f};
  const std::vector<float> row{10.0f, -1.0f};
  kernels::cpu::add_row(row.data(), y.data(), 2, 2);
  EXPECT_EQ(y, (std::vector<float>{11.0f, 1.0f, 13.0f, 3.0f}));
}

}  // namespace
