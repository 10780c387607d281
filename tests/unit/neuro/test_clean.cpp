#include "neuro/signal/clean.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "error_of.h"

namespace {

using neuro::CleanOptions;
using neuro::ConfoundTable;
using neuro::ParcelSeries;
using Filter = CleanOptions::Filter;
using Standardize = CleanOptions::Standardize;

constexpr double kPi = std::numbers::pi;

ParcelSeries make_series(int64_t frames, int64_t parcels, double tr,
                         const std::function<double(int64_t, int64_t)>& value) {
  ParcelSeries s(frames, parcels, tr);
  for (int64_t p = 0; p < parcels; ++p)
    s.names[static_cast<size_t>(p)] = "parcel" + std::to_string(p);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t p = 0; p < parcels; ++p)
      s.at(t, p) = static_cast<float>(value(t, p));
  }
  return s;
}

CleanOptions plain() {
  CleanOptions o;
  o.detrend = false;
  o.standardize = Standardize::kNone;
  return o;
}

// Residual of y on the columns of x (each [T, k]), through the normal
// equations in long double: an independent route to the same projection.
std::vector<double> residual_of(const std::vector<std::vector<double>>& columns,
                                const std::vector<double>& y) {
  const size_t k = columns.size(), n = y.size();
  std::vector<long double> a(k * k, 0.0L), b(k, 0.0L);
  for (size_t i = 0; i < k; ++i) {
    for (size_t t = 0; t < n; ++t)
      b[i] += static_cast<long double>(columns[i][t]) * y[t];
    for (size_t j = 0; j < k; ++j) {
      for (size_t t = 0; t < n; ++t) {
        a[i * k + j] += static_cast<long double>(columns[i][t]) * columns[j][t];
      }
    }
  }
  for (size_t c = 0; c < k; ++c) {
    for (size_t i = c + 1; i < k; ++i) {
      const long double f = a[i * k + c] / a[c * k + c];
      for (size_t j = c; j < k; ++j)
        a[i * k + j] -= f * a[c * k + j];
      b[i] -= f * b[c];
    }
  }
  std::vector<long double> beta(k);
  for (size_t i = k; i-- > 0;) {
    long double s = b[i];
    for (size_t j = i + 1; j < k; ++j)
      s -= a[i * k + j] * beta[j];
    beta[i] = s / a[i * k + i];
  }
  std::vector<double> r(n);
  for (size_t t = 0; t < n; ++t) {
    long double fit = 0;
    for (size_t i = 0; i < k; ++i)
      fit += beta[i] * columns[i][t];
    r[t] = static_cast<double>(y[t] - fit);
  }
  return r;
}

TEST(Clean, DetrendRemovesALinearTrendExactly) {
  const int64_t n = 120;
  auto wave = [](int64_t t) { return std::sin(0.3 * t) + 0.5 * std::cos(0.05 * t * t); };
  auto s = make_series(n, 2, 2.0, [&](int64_t t, int64_t p) {
    return p == 0 ? 10.0 - 0.25 * t : 3.0 + 0.04 * t + wave(t);
  });
  auto o = plain();
  o.detrend = true;
  neuro::clean_series(s, o);
  std::vector<double> y(n), ones(n, 1.0), ramp(n);
  for (int64_t t = 0; t < n; ++t) {
    EXPECT_NEAR(s.at(t, 0), 0.0, 1e-5);
    y[static_cast<size_t>(t)] = static_cast<float>(3.0 + 0.04 * t + wave(t));
    ramp[static_cast<size_t>(t)] = static_cast<double>(t);
  }
  const auto expected = residual_of({ones, ramp}, y);
  for (int64_t t = 0; t < n; ++t)
    EXPECT_NEAR(s.at(t, 1), expected[static_cast<size_t>(t)], 1e-5);
}

TEST(Clean, CosineFilterRemovesDriftBelowTheCutOffAndKeepsTheRest) {
  // DCT components: k = 3 is at 3 / (2 T TR) = 0.00375 Hz, below 0.01 Hz;
  // k = 40 at 0.05 Hz, above it, and orthogonal to every drift term and, being
  // even, to the linear trend.
  const int64_t n = 200;
  const double tr = 2.0;
  auto dct = [&](int64_t k, int64_t t) { return std::cos(kPi * k * (t + 0.5) / n); };
  auto s = make_series(n, 1, tr, [&](int64_t t, int64_t) {
    return 100.0 + 0.02 * t + 3.0 * dct(3, t) + dct(40, t);
  });
  auto o = plain();
  o.detrend = true;
  o.filter = Filter::kCosine;
  o.high_pass_hz = 0.01;
  neuro::clean_series(s, o);
  for (int64_t t = 0; t < n; ++t)
    EXPECT_NEAR(s.at(t, 0), dct(40, t), 2e-4) << t;
}

TEST(Clean, ButterworthHighPassRemovesSlowAndKeepsFastSinusoid) {
  // Long, and checked away from the ends where a 0.01 Hz cut-off rings.
  const int64_t n = 1001;
  const double tr = 1.0;
  auto fast = [&](int64_t t) { return std::sin(2.0 * kPi * 0.07 * t * tr); };
  auto s = make_series(n, 1, tr, [&](int64_t t, int64_t) {
    return 50.0 + 4.0 * std::sin(2.0 * kPi * 0.002 * t * tr + 0.7) + fast(t);
  });
  auto o = plain();
  o.detrend = true;
  o.filter = Filter::kButterworth;
  o.high_pass_hz = 0.01;
  neuro::clean_series(s, o);
  for (int64_t t = 250; t < n - 250; ++t)
    EXPECT_NEAR(s.at(t, 0), fast(t), 0.01) << t;
}

TEST(Clean, ButterworthBandPassKeepsOnlyTheBand) {
  const int64_t n = 1001;
  const double tr = 1.0;
  auto inside = [&](int64_t t) { return std::sin(2.0 * kPi * 0.04 * t * tr); };
  auto s = make_series(n, 1, tr, [&](int64_t t, int64_t) {
    return inside(t) + 2.0 * std::sin(2.0 * kPi * 0.003 * t) + std::sin(2.0 * kPi * 0.3 * t);
  });
  auto o = plain();
  o.detrend = true;
  o.filter = Filter::kButterworth;
  o.high_pass_hz = 0.01;
  o.low_pass_hz = 0.1;
  neuro::clean_series(s, o);
  for (int64_t t = 250; t < n - 250; ++t)
    EXPECT_NEAR(s.at(t, 0), inside(t), 0.01) << t;
}

ConfoundTable random_confounds(int64_t frames, int64_t columns, uint32_t seed) {
  ConfoundTable c;
  c.frames = frames;
  c.source = "/data/sub-01_desc-confounds_timeseries.tsv";
  for (int64_t j = 0; j < columns; ++j)
    c.names.push_back("conf" + std::to_string(j));
  std::mt19937 rng(seed);
  std::normal_distribution<double> g;
  for (int64_t i = 0; i < frames * columns; ++i)
    c.values.push_back(g(rng));
  return c;
}

TEST(Clean, ConfoundExplainedSignalIsRemovedAndTheRestIsOrthogonal) {
  const int64_t n = 150;
  const ConfoundTable conf = random_confounds(n, 3, 1);
  std::mt19937 rng(2);
  std::normal_distribution<double> g;
  std::vector<double> noise(n);
  for (double& v : noise)
    v = g(rng);
  auto s = make_series(n, 1, 2.0, [&](int64_t t, int64_t) {
    return 20.0 + 0.01 * t + 2.0 * conf.at(t, 0) - 3.0 * conf.at(t, 2) + 0.5 * noise[t];
  });
  std::vector<double> y(n);
  for (int64_t t = 0; t < n; ++t)
    y[static_cast<size_t>(t)] = s.at(t, 0);
  auto o = plain();
  o.detrend = true;
  neuro::clean_series(s, o, &conf);

  std::vector<double> ones(n, 1.0), ramp(n);
  std::vector<std::vector<double>> design = {ones, ramp};
  for (int64_t t = 0; t < n; ++t)
    ramp[static_cast<size_t>(t)] = static_cast<double>(t);
  design[1] = ramp;
  for (int64_t j = 0; j < 3; ++j) {
    std::vector<double> c(n);
    for (int64_t t = 0; t < n; ++t)
      c[static_cast<size_t>(t)] = conf.at(t, j);
    design.push_back(c);
  }
  const auto expected = residual_of(design, y);
  for (int64_t t = 0; t < n; ++t)
    EXPECT_NEAR(s.at(t, 0), expected[static_cast<size_t>(t)], 1e-4);
  for (const auto& column : design) {
    double dot = 0.0;
    for (int64_t t = 0; t < n; ++t)
      dot += s.at(t, 0) * column[static_cast<size_t>(t)];
    EXPECT_NEAR(dot, 0.0, 1e-3);
  }
}

TEST(Clean, CollinearAndUnscaledConfoundsGiveTheSameProjection) {
  const int64_t n = 80;
  const ConfoundTable conf = random_confounds(n, 2, 3);
  ConfoundTable redundant = conf;
  redundant.names.push_back("sum");
  redundant.values.clear();
  for (int64_t t = 0; t < n; ++t) {
    redundant.values.insert(redundant.values.end(),
                            {conf.at(t, 0), conf.at(t, 1), conf.at(t, 0) + 1e3 * conf.at(t, 1)});
  }
  redundant.names = {"a", "b", "sum"};
  auto make = [&] {
    return make_series(n, 2, 1.5, [&](int64_t t, int64_t p) {
      return std::sin(0.1 * t * (p + 1)) + conf.at(t, 1) + 0.001 * t * t;
    });
  };
  auto reference = make(), collinear = make(), unscaled = make();
  CleanOptions o;  // detrend, z-score
  neuro::clean_series(reference, o, &conf);
  neuro::clean_series(collinear, o, &redundant);
  o.standardize_confounds = false;
  neuro::clean_series(unscaled, o, &conf);
  for (size_t i = 0; i < reference.values.size(); ++i) {
    EXPECT_NEAR(collinear.values[i], reference.values[i], 1e-5);
    EXPECT_NEAR(unscaled.values[i], reference.values[i], 1e-5);
  }
}

TEST(Clean, MissingConfoundCellsTakeTheColumnMean) {
  const int64_t n = 40;
  ConfoundTable with_gap = random_confounds(n, 2, 4);
  ConfoundTable filled = with_gap;
  double sum = 0.0;
  for (int64_t t = 1; t < n; ++t)
    sum += with_gap.at(t, 1);
  with_gap.values[1] = std::nan("");
  filled.values[1] = sum / (n - 1);
  auto make = [&] {
    return make_series(n, 1, 2.0, [](int64_t t, int64_t) { return std::cos(0.4 * t); });
  };
  auto a = make(), b = make();
  neuro::clean_series(a, CleanOptions{}, &with_gap);
  neuro::clean_series(b, CleanOptions{}, &filled);
  EXPECT_EQ(a.values, b.values);
}

TEST(Clean, ZScoreGivesZeroMeanAndUnitStd) {
  const int64_t n = 90;
  std::mt19937 rng(9);
  std::normal_distribution<double> g(5.0, 3.0);
  auto base = make_series(n, 3, 2.0, [&](int64_t, int64_t) { return g(rng); });
  for (const auto how : {Standardize::kZScore, Standardize::kZScoreSample}) {
    auto s = base;
    CleanOptions o;
    o.standardize = how;
    neuro::clean_series(s, o);
    for (int64_t p = 0; p < 3; ++p) {
      double mean = 0, ss = 0;
      for (int64_t t = 0; t < n; ++t)
        mean += s.at(t, p);
      mean /= n;
      for (int64_t t = 0; t < n; ++t)
        ss += (s.at(t, p) - mean) * (s.at(t, p) - mean);
      EXPECT_NEAR(mean, 0.0, 1e-6);
      EXPECT_NEAR(std::sqrt(ss / (how == Standardize::kZScore ? n : n - 1)), 1.0, 1e-5);
    }
  }
}

TEST(Clean, PercentSignalChangeIsRelativeToTheOriginalMean) {
  const int64_t n = 60;
  auto value = [](int64_t t, int64_t p) { return 200.0 * (p + 1) + 0.5 * t + std::sin(0.7 * t); };
  // Without detrending: (x - mean) / |mean| * 100.
  auto raw = make_series(n, 2, 2.0, value);
  auto o = plain();
  o.standardize = Standardize::kPercentSignalChange;
  neuro::clean_series(raw, o);
  // With detrending the mean is restored first, so the scale is the same and
  // only the trend is gone.
  auto detrended = make_series(n, 2, 2.0, value);
  o.detrend = true;
  neuro::clean_series(detrended, o);
  for (int64_t p = 0; p < 2; ++p) {
    double mean = 0;
    for (int64_t t = 0; t < n; ++t)
      mean += static_cast<float>(value(t, p));
    mean /= n;
    std::vector<double> ones(n, 1.0), ramp(n), y(n);
    for (int64_t t = 0; t < n; ++t) {
      ramp[static_cast<size_t>(t)] = static_cast<double>(t);
      y[static_cast<size_t>(t)] = static_cast<float>(value(t, p));
    }
    const auto wiggle = residual_of({ones, ramp}, y);
    for (int64_t t = 0; t < n; ++t) {
      EXPECT_NEAR(raw.at(t, p), (static_cast<float>(value(t, p)) - mean) / mean * 100.0, 1e-4);
      EXPECT_NEAR(detrended.at(t, p), wiggle[static_cast<size_t>(t)] / mean * 100.0, 1e-4);
    }
  }
}

TEST(Clean, BadInputsThrowOneLineNamingTheSource) {
  const int64_t n = 50;
  auto good = [] {
    return make_series(50, 2, 2.0, [](int64_t t, int64_t p) { return t * 0.1 + p; });
  };
  auto expect_message = [](const std::function<void()>& f, const std::string& prefix,
                           const std::string& part) {
    const std::string m = neuroseq_test::error_of<std::runtime_error>(f);
    EXPECT_EQ(m.rfind(prefix + ": ", 0), 0u) << m;
    EXPECT_NE(m.find(part), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  };

  const ConfoundTable wrong_rows = random_confounds(n + 3, 2, 5);
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, CleanOptions{}, &wrong_rows);
      },
      wrong_rows.source, "53");

  ConfoundTable empty_column = random_confounds(n, 2, 6);
  for (int64_t t = 0; t < n; ++t)
    empty_column.values[static_cast<size_t>(t * 2 + 1)] = std::nan("");
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, CleanOptions{}, &empty_column);
      },
      empty_column.source, "'conf1'");

  CleanOptions o;
  o.filter = Filter::kCosine;
  o.high_pass_hz = 0.25;  // Nyquist at TR 2 s
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, o);
      },
      "series", "Nyquist");
  o.filter = Filter::kButterworth;
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, o);
      },
      "series", "Nyquist");
  o.high_pass_hz = 0.01;
  o.low_pass_hz = 0.3;
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, o);
      },
      "series", "low-pass");

  o = CleanOptions{};
  o.filter = Filter::kButterworth;
  o.high_pass_hz = 0.01;
  expect_message(
      [&] {
        auto s = good();
        s.tr_seconds = 0;
        neuro::clean_series(s, o);
      },
      "series", "TR");
  expect_message(
      [&] {
        auto s = make_series(15, 1, 2.0, [](int64_t t, int64_t) { return t; });
        neuro::clean_series(s, o);
      },
      "series", "pads");

  expect_message(
      [&] {
        auto s = good();
        s.at(7, 1) = std::nanf("");
        neuro::clean_series(s, CleanOptions{});
      },
      "series", "'parcel1'");

  o = CleanOptions{};
  o.high_pass_hz = 0.01;  // no filter chosen
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, o);
      },
      "series", "filter");
  o.filter = Filter::kCosine;
  o.low_pass_hz = 0.1;
  expect_message(
      [&] {
        auto s = good();
        neuro::clean_series(s, o);
      },
      "series", "cosine");
  expect_message(
      [&] {
        auto s = make_series(1, 1, 2.0, [](int64_t, int64_t) { return 1.0; });
        neuro::clean_series(s, CleanOptions{});
      },
      "series", "2 frames");
}

TEST(Clean, TooShortForAnyCosineStillCleans) {
  // floor(2 * 10 * 0.01 * 1) = 0 drift terms: only detrending happens.
  auto s = make_series(10, 1, 1.0, [](int64_t t, int64_t) { return 2.0 * t; });
  auto o = plain();
  o.detrend = true;
  o.filter = Filter::kCosine;
  o.high_pass_hz = 0.01;
  neuro::clean_series(s, o);
  for (int64_t t = 0; t < 10; ++t)
    EXPECT_NEAR(s.at(t, 0), 0.0, 1e-5);
}

}  // namespace
