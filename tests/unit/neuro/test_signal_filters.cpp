#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "neuro/signal/butterworth.h"
#include "neuro/signal/cosine_drift.h"
#include "neuro/signal/detrend.h"

namespace {

constexpr double kPi = std::numbers::pi;

// |H(e^{jw})| of the cascade at `hz`.
double gain(const neuro::SecondOrderSections& sos, double hz, double sampling_hz) {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * kPi * hz / sampling_hz);
  const std::complex<double> z2 = z1 * z1;
  std::complex<double> h = 1.0;
  for (const auto& c : sos)
    h *= (c[0] + c[1] * z1 + c[2] * z2) / (c[3] + c[4] * z1 + c[5] * z2);
  return std::abs(h);
}

std::vector<double> sinusoid(int64_t n, double hz, double tr, double amplitude = 1.0,
                             double phase = 0.0) {
  std::vector<double> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) {
    x[static_cast<size_t>(t)] = amplitude * std::sin(2.0 * kPi * hz * t * tr + phase);
  }
  return x;
}

// ---- cosine drift ----------------------------------------------------------

TEST(CosineDrift, MatchesNilearnFormula) {
  const int64_t n = 100;
  const double tr = 2.0, high_pass = 0.01;
  const auto d = neuro::cosine_drift(n, tr, high_pass);
  // floor(2 * 100 * 0.01 * 2) = 4 cosines.
  ASSERT_EQ(d.columns(), 4);
  EXPECT_EQ(d.frames, n);
  EXPECT_EQ(d.names[0], "drift_1");
  EXPECT_EQ(d.names[3], "drift_4");
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t k = 1; k <= 4; ++k) {
      const double expected = std::sqrt(2.0 / n) * std::cos(kPi * (2.0 * t + 1.0) * k / (2.0 * n));
      EXPECT_NEAR(d.at(t, k - 1), expected, 1e-14);
    }
  }
}

TEST(CosineDrift, ColumnsAreOrthonormalAndCentred) {
  const int64_t n = 137;
  const auto d = neuro::cosine_drift(n, 0.72, 0.008);
  ASSERT_EQ(d.columns(), static_cast<int64_t>(std::floor(2 * n * 0.008 * 0.72)));
  for (int64_t a = 0; a < d.columns(); ++a) {
    double sum = 0.0;
    for (int64_t t = 0; t < n; ++t)
      sum += d.at(t, a);
    EXPECT_NEAR(sum, 0.0, 1e-12);
    for (int64_t b = 0; b < d.columns(); ++b) {
      double dot = 0.0;
      for (int64_t t = 0; t < n; ++t)
        dot += d.at(t, a) * d.at(t, b);
      EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12);
    }
  }
}

TEST(CosineDrift, CountIsCappedAndCanBeZero) {
  EXPECT_EQ(neuro::cosine_drift(10, 2.0, 0.249).columns(), 9);  // min(T - 1, 9)
  EXPECT_EQ(neuro::cosine_drift(10, 1.0, 0.01).columns(), 0);   // floor(0.2)
  EXPECT_THROW(neuro::cosine_drift(1, 2.0, 0.01), std::invalid_argument);
  EXPECT_THROW(neuro::cosine_drift(10, 0.0, 0.01), std::invalid_argument);
  EXPECT_THROW(neuro::cosine_drift(10, 2.0, 0.0), std::invalid_argument);
}

TEST(CosineDrift, AppendedAfterTheUserConfounds) {
  neuro::ConfoundTable user;
  user.names = {"noise"};
  user.frames = 100;
  std::mt19937 rng(3);
  std::normal_distribution<double> g;
  for (int t = 0; t < 100; ++t)
    user.values.push_back(g(rng));
  const auto both = neuro::append_cosine_drift(&user, 100, 2.0, 0.01);
  ASSERT_EQ(both.columns(), 5);
  EXPECT_EQ(both.names[0], "noise");
  EXPECT_EQ(both.names[1], "drift_1");
  const auto drift = neuro::cosine_drift(100, 2.0, 0.01);
  for (int64_t t = 0; t < 100; ++t) {
    EXPECT_EQ(both.at(t, 0), user.at(t, 0));
    EXPECT_EQ(both.at(t, 3), drift.at(t, 2));
  }
  const auto alone = neuro::append_cosine_drift(nullptr, 100, 2.0, 0.01);
  EXPECT_EQ(alone.values, drift.values);
}

TEST(CosineDrift, UserSuppliedCosinesAreNotDuplicated) {
  // A user column nearly equal to a drift term (correlation > 0.9), as when
  // fMRIPrep's cosineXX columns are selected.
  const auto drift = neuro::cosine_drift(100, 2.0, 0.01);
  neuro::ConfoundTable user;
  user.names = {"cosine01"};
  user.frames = 100;
  for (int64_t t = 0; t < 100; ++t)
    user.values.push_back(5.0 * drift.at(t, 1) + 0.01 * (t % 3));
  const auto result = neuro::append_cosine_drift(&user, 100, 2.0, 0.01);
  EXPECT_EQ(result.names, user.names);
  EXPECT_EQ(result.values, user.values);
}

// ---- Butterworth design ----------------------------------------------------

TEST(Butterworth, SecondOrderLowPassAtHalfNyquistHasTheTextbookCoefficients) {
  // Bilinear design with K = tan(pi / 4) = 1: b = [1, 2, 1] / (2 + sqrt 2),
  // a = [1, 0, (2 - sqrt 2) / (2 + sqrt 2)].
  const auto sos = neuro::butterworth_sections(2, 0.0, 0.5, 2.0);
  ASSERT_EQ(sos.size(), 1u);
  const double d = 2.0 + std::sqrt(2.0);
  EXPECT_NEAR(sos[0][0], 1.0 / d, 1e-15);
  EXPECT_NEAR(sos[0][1], 2.0 / d, 1e-15);
  EXPECT_NEAR(sos[0][2], 1.0 / d, 1e-15);
  EXPECT_EQ(sos[0][3], 1.0);
  EXPECT_NEAR(sos[0][4], 0.0, 1e-15);
  EXPECT_NEAR(sos[0][5], (2.0 - std::sqrt(2.0)) / d, 1e-15);
}

TEST(Butterworth, FirstOrderHighPassHasTheTextbookCoefficients) {
  // H(z) = (1 - z^-1) / ((1 + K) + (K - 1) z^-1) / ... with K = tan(pi f / fs).
  const double fs = 1.0 / 0.8, f = 0.1;
  const double k = std::tan(kPi * f / fs);
  const auto sos = neuro::butterworth_sections(1, f, 0.0, fs);
  ASSERT_EQ(sos.size(), 1u);
  EXPECT_NEAR(sos[0][0], 1.0 / (1.0 + k), 1e-14);
  EXPECT_NEAR(sos[0][1], -1.0 / (1.0 + k), 1e-14);
  EXPECT_EQ(sos[0][2], 0.0);
  EXPECT_NEAR(sos[0][4], (k - 1.0) / (k + 1.0), 1e-14);
  EXPECT_EQ(sos[0][5], 0.0);
}

TEST(Butterworth, FrequencyResponseOfEveryOrderAndBand) {
  const double fs = 1.0 / 0.72, nyquist = fs / 2.0;
  const double high = 0.01, low = 0.1;
  for (int order = 1; order <= 8; ++order) {
    SCOPED_TRACE("order " + std::to_string(order));
    const auto lp = neuro::butterworth_sections(order, 0.0, low, fs);
    EXPECT_EQ(lp.size(), static_cast<size_t>((order + 1) / 2));
    EXPECT_NEAR(gain(lp, 0.0, fs), 1.0, 1e-9);
    EXPECT_NEAR(gain(lp, low, fs), 1.0 / std::sqrt(2.0), 1e-9);
    EXPECT_NEAR(gain(lp, nyquist, fs), 0.0, 1e-9);

    const auto hp = neuro::butterworth_sections(order, high, 0.0, fs);
    EXPECT_EQ(hp.size(), static_cast<size_t>((order + 1) / 2));
    EXPECT_NEAR(gain(hp, 0.0, fs), 0.0, 1e-9);
    EXPECT_NEAR(gain(hp, high, fs), 1.0 / std::sqrt(2.0), 1e-9);
    EXPECT_NEAR(gain(hp, nyquist, fs), 1.0, 1e-9);

    const auto bp = neuro::butterworth_sections(order, high, low, fs);
    EXPECT_EQ(bp.size(), static_cast<size_t>(order));
    EXPECT_NEAR(gain(bp, 0.0, fs), 0.0, 1e-9);
    EXPECT_NEAR(gain(bp, nyquist, fs), 0.0, 1e-9);
    EXPECT_NEAR(gain(bp, high, fs), 1.0 / std::sqrt(2.0), 1e-7);
    EXPECT_NEAR(gain(bp, low, fs), 1.0 / std::sqrt(2.0), 1e-7);
    // Unit gain at the centre of the pre-warped band.
    const double centre =
        std::atan(std::sqrt(std::tan(kPi * high / fs) * std::tan(kPi * low / fs))) * fs / kPi;
    EXPECT_NEAR(gain(bp, centre, fs), 1.0, 1e-7);
  }
}

TEST(Butterworth, PadLengthFollowsScipy) {
  // Order 5 low-pass: 3 sections, one of them first order: 3 * (7 - 1).
  EXPECT_EQ(neuro::default_pad_length(neuro::butterworth_sections(5, 0.0, 0.1, 0.5)), 18);
  EXPECT_EQ(neuro::default_pad_length(neuro::butterworth_sections(4, 0.01, 0.0, 0.5)), 15);
  EXPECT_EQ(neuro::default_pad_length(neuro::butterworth_sections(5, 0.01, 0.1, 0.5)), 33);
}

TEST(Butterworth, InvalidDesignsThrow) {
  EXPECT_THROW(neuro::butterworth_sections(0, 0.0, 0.1, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, 0.0, 0.5, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, 0.6, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, 0.0, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, 0.2, 0.1, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, -0.1, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(neuro::butterworth_sections(5, 0.0, 0.1, 0.0), std::invalid_argument);
}

// ---- filtering -------------------------------------------------------------

TEST(Butterworth, CausalFilterFollowsItsDifferenceEquation) {
  const auto sos = neuro::butterworth_sections(2, 0.0, 0.2, 1.0);
  const auto& c = sos[0];
  std::mt19937 rng(5);
  std::normal_distribution<double> g;
  std::vector<double> x(50);
  for (double& v : x)
    v = g(rng);
  auto y = x;
  neuro::filter_causal(sos, y.data(), 50);
  for (size_t n = 0; n < x.size(); ++n) {
    double expected = c[0] * x[n];
    if (n >= 1) expected += c[1] * x[n - 1] - c[4] * y[n - 1];
    if (n >= 2) expected += c[2] * x[n - 2] - c[5] * y[n - 2];
    EXPECT_NEAR(y[n], expected, 1e-12);
  }
}

TEST(Butterworth, ZeroPhaseHighPassRemovesSlowAndKeepsFastSinusoids) {
  // A 0.01 Hz cut-off rings for a few hundred samples after the ends, so the
  // series is long and only its middle is checked.
  const int64_t n = 1001;
  const double tr = 1.0, cut = 0.01;
  const auto slow = sinusoid(n, 0.002, tr), fast = sinusoid(n, 0.08, tr);
  // Two columns: [slow + fast, fast].
  std::vector<double> x(static_cast<size_t>(2 * n));
  for (int64_t t = 0; t < n; ++t) {
    x[static_cast<size_t>(2 * t)] = slow[static_cast<size_t>(t)] + fast[static_cast<size_t>(t)];
    x[static_cast<size_t>(2 * t + 1)] = fast[static_cast<size_t>(t)];
  }
  const auto sos = neuro::butterworth_sections(5, cut, 0.0, 1.0 / tr);
  neuro::filter_zero_phase(sos, x.data(), n, 2);
  // Away from the ends: the slow wave is gone and the fast one is untouched,
  // in phase (a zero-phase filter does not delay).
  for (int64_t t = 250; t < n - 250; ++t) {
    EXPECT_NEAR(x[static_cast<size_t>(2 * t)], fast[static_cast<size_t>(t)], 2e-3) << t;
    EXPECT_NEAR(x[static_cast<size_t>(2 * t + 1)], fast[static_cast<size_t>(t)], 2e-3) << t;
  }
}

TEST(Butterworth, ZeroPhaseLowPassKeepsSlowInPhaseAndRemovesFast) {
  const int64_t n = 400;
  const double tr = 2.0;
  const auto slow = sinusoid(n, 0.02, tr, 2.0, 1.0), fast = sinusoid(n, 0.2, tr);
  std::vector<double> x(static_cast<size_t>(n));
  for (int64_t t = 0; t < n; ++t) {
    x[static_cast<size_t>(t)] = slow[static_cast<size_t>(t)] + fast[static_cast<size_t>(t)];
  }
  const auto sos = neuro::butterworth_sections(5, 0.0, 0.1, 1.0 / tr);
  neuro::filter_zero_phase(sos, x.data(), n, 1);
  for (int64_t t = 30; t < n - 30; ++t) {
    EXPECT_NEAR(x[static_cast<size_t>(t)], slow[static_cast<size_t>(t)], 1e-4) << t;
  }
}

TEST(Butterworth, ConstantsPassALowPassAndVanishThroughAHighPass) {
  const int64_t n = 60;
  std::vector<double> lp(static_cast<size_t>(n), 3.5), hp(static_cast<size_t>(n), 3.5);
  neuro::filter_zero_phase(neuro::butterworth_sections(4, 0.0, 0.1, 1.0), lp.data(), n, 1);
  neuro::filter_zero_phase(neuro::butterworth_sections(4, 0.05, 0.0, 1.0), hp.data(), n, 1);
  for (int64_t t = 0; t < n; ++t) {
    EXPECT_NEAR(lp[static_cast<size_t>(t)], 3.5, 1e-12);
    EXPECT_NEAR(hp[static_cast<size_t>(t)], 0.0, 1e-12);
  }
}

TEST(Butterworth, SeriesNoLongerThanThePaddingIsRejected) {
  const auto sos = neuro::butterworth_sections(5, 0.01, 0.0, 0.5);  // pads 18
  std::vector<double> x(18, 1.0);
  EXPECT_THROW(neuro::filter_zero_phase(sos, x.data(), 18, 1), std::invalid_argument);
  x.resize(19, 1.0);
  EXPECT_NO_THROW(neuro::filter_zero_phase(sos, x.data(), 19, 1));
}

// ---- detrend and standardise -----------------------------------------------

TEST(Detrend, RemovesAnOffsetAndALineExactly) {
  const int64_t n = 50;
  std::vector<double> x(static_cast<size_t>(2 * n));
  for (int64_t t = 0; t < n; ++t) {
    x[static_cast<size_t>(2 * t)] = 4.0 - 0.3 * t;
    x[static_cast<size_t>(2 * t + 1)] = 1.0 + 0.1 * t + 0.01 * t * t;
  }
  neuro::detrend(x.data(), n, 2);
  double s0 = 0, s1 = 0, r1 = 0;
  for (int64_t t = 0; t < n; ++t) {
    EXPECT_NEAR(x[static_cast<size_t>(2 * t)], 0.0, 1e-12);
    s1 += x[static_cast<size_t>(2 * t + 1)];
    r1 += x[static_cast<size_t>(2 * t + 1)] * t;
    s0 += std::abs(x[static_cast<size_t>(2 * t + 1)]);
  }
  // The quadratic keeps its curvature but loses its mean and slope.
  EXPECT_NEAR(s1, 0.0, 1e-11);
  EXPECT_NEAR(r1, 0.0, 1e-9);
  EXPECT_GT(s0, 1.0);
}

TEST(Standardize, ZScoreVariantsAndPercentSignalChange) {
  const std::vector<double> column = {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};  // mean 5, std 2
  const int64_t n = 8;
  auto pop = column, sample = column, psc = column;
  neuro::standardize(pop.data(), n, 1, neuro::Standardize::kZScore);
  neuro::standardize(sample.data(), n, 1, neuro::Standardize::kZScoreSample);
  neuro::standardize(psc.data(), n, 1, neuro::Standardize::kPercentSignalChange);
  const double sample_std = std::sqrt(32.0 / 7.0);
  for (int64_t t = 0; t < n; ++t) {
    const double v = column[static_cast<size_t>(t)];
    EXPECT_DOUBLE_EQ(pop[static_cast<size_t>(t)], (v - 5.0) / 2.0);
    EXPECT_DOUBLE_EQ(sample[static_cast<size_t>(t)], (v - 5.0) / sample_std);
    EXPECT_DOUBLE_EQ(psc[static_cast<size_t>(t)], (v - 5.0) / 5.0 * 100.0);
  }
}

TEST(Standardize, DegenerateColumnsStayFinite) {
  // A constant column is centred, not divided by zero; psc of a zero-mean
  // column is zero.
  std::vector<double> constant = {3.0, 3.0, 3.0};
  neuro::standardize(constant.data(), 3, 1, neuro::Standardize::kZScore);
  for (double v : constant)
    EXPECT_EQ(v, 0.0);
  std::vector<double> centred = {-1.0, 0.0, 1.0};
  neuro::standardize(centred.data(), 3, 1, neuro::Standardize::kPercentSignalChange);
  for (double v : centred)
    EXPECT_EQ(v, 0.0);
}

}  // namespace
