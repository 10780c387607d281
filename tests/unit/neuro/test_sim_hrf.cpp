#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "neuro/sim/hrf.h"

namespace {

// The closed form written out independently: gamma densities with shape 6 and
// 16, unit scale, the undershoot weighted 1/6.
double spm_closed_form(double t) {
  if (t <= 0) return 0.0;
  const double peak = std::pow(t, 5) * std::exp(-t) / std::tgamma(6.0);
  const double undershoot = std::pow(t, 15) * std::exp(-t) / std::tgamma(16.0);
  return peak - undershoot / 6.0;
}

}  // namespace

TEST(SimHrf, MatchesTheClosedForm) {
  for (double t : {0.5, 1.0, 2.5, 5.0, 6.0, 8.0, 12.0, 16.0, 20.0, 31.0}) {
    EXPECT_NEAR(neuro::double_gamma_hrf(t), spm_closed_form(t), 1e-12) << "t = " << t;
  }
  EXPECT_EQ(neuro::double_gamma_hrf(0.0), 0.0);
  EXPECT_EQ(neuro::double_gamma_hrf(-3.0), 0.0);
}

TEST(SimHrf, OnsetShiftsTheResponse) {
  neuro::HrfParameters shifted;
  shifted.onset = 2.0;
  EXPECT_EQ(neuro::double_gamma_hrf(1.5, shifted), 0.0);
  EXPECT_NEAR(neuro::double_gamma_hrf(7.0, shifted), spm_closed_form(5.0), 1e-12);
}

TEST(SimHrf, PeaksNearFiveSecondsAndUndershootsNearFifteen) {
  const double dt = 0.01;
  const auto kernel = neuro::canonical_hrf(dt);
  const auto peak = std::max_element(kernel.begin(), kernel.end()) - kernel.begin();
  const auto trough = std::min_element(kernel.begin(), kernel.end()) - kernel.begin();
  EXPECT_NEAR(static_cast<double>(peak) * dt, 5.0, 0.25);
  EXPECT_GT(static_cast<double>(trough) * dt, 13.0);
  EXPECT_LT(static_cast<double>(trough) * dt, 17.0);
  EXPECT_LT(kernel[static_cast<size_t>(trough)], 0.0);
}

TEST(SimHrf, UnnormalisedAreaIsOneMinusTheRatio) {
  double area = 0;
  const double dt = 0.001;
  for (double t = dt / 2; t < 60.0; t += dt) {
    area += neuro::double_gamma_hrf(t) * dt;
  }
  EXPECT_NEAR(area, 1.0 - 1.0 / 6.0, 1e-6);
}

TEST(SimHrf, SampledKernelSumsToOne) {
  for (double dt : {0.1, 0.125, 0.5, 2.0, 3.0}) {
    const auto kernel = neuro::canonical_hrf(dt);
    EXPECT_NEAR(std::accumulate(kernel.begin(), kernel.end(), 0.0), 1.0, 1e-12) << dt;
    EXPECT_EQ(kernel.size(), static_cast<size_t>(std::ceil(32.0 / dt)) + 1);
    EXPECT_EQ(kernel.front(), 0.0);
  }
}

TEST(SimHrf, TwoSecondSamplingMatchesSpm) {
  // spm_hrf(2) in SPM12 (rounded to 4 decimals).
  const std::vector<double> spm = {0.0,     0.0866,  0.3749,  0.3849,  0.2161,  0.0769,
                                   0.0016,  -0.0306, -0.0373, -0.0308, -0.0205, -0.0116,
                                   -0.0058, -0.0026, -0.0011, -0.0004, -0.0001};
  const auto kernel = neuro::canonical_hrf(2.0);
  ASSERT_EQ(kernel.size(), spm.size());
  for (size_t k = 0; k < spm.size(); ++k) {
    EXPECT_NEAR(kernel[k], spm[k], 6e-5) << k;
  }
}

TEST(SimHrf, SustainedStimulusSettlesAtItsAmplitude) {
  const std::vector<neuro::Stimulus> block = {{0.0, 200.0, 2.5}};
  const auto r = neuro::hrf_regressor(block, 100, 2.0);
  EXPECT_NEAR(r[60], 2.5, 1e-9);
  EXPECT_NEAR(r[90], 2.5, 1e-9);
  EXPECT_EQ(r[0], 0.0);
}

TEST(SimHrf, RegressorIsCausalAndLinear) {
  const std::vector<neuro::Stimulus> a = {{20.0, 4.0, 1.0}};
  const std::vector<neuro::Stimulus> b = {{50.0, 10.0, 0.5}};
  const std::vector<neuro::Stimulus> both = {a[0], b[0]};
  const auto ra = neuro::hrf_regressor(a, 60, 2.0);
  const auto rb = neuro::hrf_regressor(b, 60, 2.0);
  const auto rab = neuro::hrf_regressor(both, 60, 2.0);
  for (size_t t = 0; t < ra.size(); ++t) {
    EXPECT_NEAR(rab[t], ra[t] + rb[t], 1e-12);
    if (static_cast<double>(t) * 2.0 <= 20.0) {
      EXPECT_EQ(ra[t], 0.0) << t;
    }
  }
  // The response to the short block peaks about 5 s after its middle.
  const auto peak = std::max_element(ra.begin(), ra.end()) - ra.begin();
  EXPECT_NEAR(static_cast<double>(peak) * 2.0, 22.0 + 5.0, 2.0);
}

TEST(SimHrf, ImpulseHasTheAreaOfAOneSecondBox) {
  const std::vector<neuro::Stimulus> impulse = {{10.0, 0.0, 1.0}};
  const std::vector<neuro::Stimulus> box = {{10.0, 1.0, 1.0}};
  const auto ri = neuro::hrf_regressor(impulse, 40, 1.0, 16);
  const auto rb = neuro::hrf_regressor(box, 40, 1.0, 16);
  const double si = std::accumulate(ri.begin(), ri.end(), 0.0);
  const double sb = std::accumulate(rb.begin(), rb.end(), 0.0);
  // Both sums sample a response of area 1 at the TR; the half-bin offset of
  // the impulse leaves a trace of sampling error.
  EXPECT_NEAR(si, 1.0, 1e-3);
  EXPECT_NEAR(sb, 1.0, 1e-3);
}

TEST(SimHrf, OffGridOnsetsKeepTheBoxArea) {
  // A box whose edges fall between microtime bins still integrates to its
  // area: the long-run sum of the regressor times TR equals duration x amplitude
  // times the kernel's area (1).
  const std::vector<neuro::Stimulus> box = {{3.03, 7.77, 1.0}};
  const auto r = neuro::hrf_regressor(box, 40, 2.0, 16);
  const auto fine = neuro::hrf_regressor(box, 40 * 16, 2.0 / 16, 1);
  const double area = std::accumulate(fine.begin(), fine.end(), 0.0) * (2.0 / 16);
  EXPECT_NEAR(area, 7.77, 1e-6);
  EXPECT_GT(*std::max_element(r.begin(), r.end()), 0.5);
}

TEST(SimHrf, ConvolutionWithTheKernelAtTheTr) {
  std::vector<double> x(30, 0.0);
  x[3] = 1.0;
  const auto y = neuro::convolve_with_hrf(x, 2.0);
  const auto kernel = neuro::canonical_hrf(2.0);
  for (size_t t = 0; t < y.size(); ++t) {
    EXPECT_NEAR(y[t], t >= 3 && t - 3 < kernel.size() ? kernel[t - 3] : 0.0, 1e-15) << t;
  }
}

TEST(SimHrf, RejectsBadArguments) {
  EXPECT_THROW(neuro::canonical_hrf(0.0), std::invalid_argument);
  EXPECT_THROW(neuro::canonical_hrf(-1.0), std::invalid_argument);
  EXPECT_THROW(neuro::hrf_regressor({}, -1, 2.0), std::invalid_argument);
  EXPECT_THROW(neuro::hrf_regressor({}, 10, 0.0), std::invalid_argument);
  const std::vector<neuro::Stimulus> negative = {{1.0, -2.0, 1.0}};
  EXPECT_THROW(neuro::hrf_regressor(negative, 10, 2.0), std::invalid_argument);
  neuro::HrfParameters bad;
  bad.peak_dispersion = 0;
  EXPECT_THROW(neuro::canonical_hrf(1.0, bad), std::invalid_argument);
}
