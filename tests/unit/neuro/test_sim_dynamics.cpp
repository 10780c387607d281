#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>
#include <vector>

#include "core/random/philox.h"
#include "neuro/sim/network_dynamics.h"
#include "neuro/sim/noise.h"

namespace {

// Two clusters of regions far apart, and a few in between.
std::vector<std::array<double, 3>> region_centres() {
  std::vector<std::array<double, 3>> c;
  for (int i = 0; i < 6; ++i) {
    c.push_back({-60.0 + i, 0.0, 0.0});
  }
  for (int i = 0; i < 6; ++i) {
    c.push_back({60.0 + i, 0.0, 0.0});
  }
  for (int i = 0; i < 6; ++i) {
    c.push_back({0.0, 60.0 + i, 0.0});
  }
  for (int i = 0; i < 6; ++i) {
    c.push_back({0.0, -60.0 + i, 40.0});
  }
  return c;
}

double mean(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double sd(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0;
  for (double v : x) {
    s += (v - m) * (v - m);
  }
  return std::sqrt(s / static_cast<double>(x.size()));
}

double lag1(const std::vector<double>& x) {
  const double m = mean(x);
  double num = 0, den = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    den += (x[t] - m) * (x[t] - m);
    if (t > 0) num += (x[t] - m) * (x[t - 1] - m);
  }
  return num / den;
}

std::vector<double> column(const std::vector<double>& m, int64_t rows, int cols, int c) {
  std::vector<double> out(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    out[static_cast<size_t>(r)] = m[static_cast<size_t>(r * cols + c)];
  }
  return out;
}

}  // namespace

TEST(SimNetworks, ModelIsStableAndSpatiallyCoherent) {
  core::RandomStream random(1, 1);
  neuro::NetworkOptions options;
  options.networks = 4;
  const auto centres = region_centres();
  const auto model = neuro::make_network_model(centres, 2.0, options, random);
  ASSERT_EQ(model.transition.size(), 16u);
  ASSERT_EQ(model.loadings.size(), centres.size() * 4);
  // Powers of a stable matrix die out.
  std::vector<double> power = model.transition;
  for (int step = 0; step < 400; ++step) {
    std::vector<double> next(16, 0.0);
    for (int i = 0; i < 4; ++i) {
      for (int k = 0; k < 4; ++k) {
        for (int j = 0; j < 4; ++j) {
          next[i * 4 + j] += power[i * 4 + k] * model.transition[k * 4 + j];
        }
      }
    }
    power = next;
  }
  for (double v : power) {
    EXPECT_LT(std::abs(v), 1e-6);
  }
  // Every cluster of nearby regions ends up in one network, each in its own.
  for (int cluster = 0; cluster < 4; ++cluster) {
    for (int i = 1; i < 6; ++i) {
      EXPECT_EQ(model.primary_network[static_cast<size_t>(cluster * 6 + i)],
                model.primary_network[static_cast<size_t>(cluster * 6)]);
    }
  }
  std::vector<int> firsts = {model.primary_network[0], model.primary_network[6],
                             model.primary_network[12], model.primary_network[18]};
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(std::unique(firsts.begin(), firsts.end()), firsts.end());
  // Rows of unit length, largest on the primary network.
  for (size_t p = 0; p < centres.size(); ++p) {
    double norm = 0;
    int largest = 0;
    for (int k = 0; k < 4; ++k) {
      norm += model.loadings[p * 4 + k] * model.loadings[p * 4 + k];
      if (std::abs(model.loadings[p * 4 + k]) > std::abs(model.loadings[p * 4 + largest])) {
        largest = k;
      }
    }
    EXPECT_NEAR(norm, 1.0, 1e-12);
    EXPECT_EQ(largest, model.primary_network[p]);
  }
}

TEST(SimNetworks, SimulatedNetworksHaveUnitVarianceAndSlowSpectrum) {
  core::RandomStream random(2, 1);
  const auto model = neuro::make_network_model(region_centres(), 2.0, {}, random);
  core::RandomStream innovations(2, 2);
  const int64_t frames = 20000;
  const auto x = neuro::simulate_networks(model, frames, innovations);
  ASSERT_EQ(x.size(), static_cast<size_t>(frames * model.networks));
  for (int k = 0; k < model.networks; ++k) {
    const auto series = column(x, frames, model.networks, k);
    EXPECT_NEAR(sd(series), 1.0, 0.08) << k;
    EXPECT_NEAR(mean(series), 0.0, 0.1) << k;
    // BOLD-like: neighbouring frames 2 s apart are strongly correlated.
    EXPECT_GT(lag1(series), 0.7) << k;
  }
}

TEST(SimNetworks, RegionsOfOneNetworkCorrelateAcrossSubjects) {
  core::RandomStream random(3, 1);
  neuro::NetworkOptions options;
  options.networks = 4;
  const auto centres = region_centres();
  const auto model = neuro::make_network_model(centres, 2.0, options, random);
  const auto regions = static_cast<int64_t>(centres.size());
  const int64_t frames = 2000;
  for (uint64_t subject = 1; subject <= 2; ++subject) {
    core::RandomStream jitter(3, 100 + subject), innovations(3, 200 + subject);
    const auto loadings = neuro::jitter_loadings(model, 0.1, jitter);
    const auto signals = neuro::mix_networks(neuro::simulate_networks(model, frames, innovations),
                                             loadings, frames, regions, model.networks);
    // Same cluster: strongly correlated; this holds for every subject.
    const auto a = column(signals, frames, static_cast<int>(regions), 0);
    const auto b = column(signals, frames, static_cast<int>(regions), 5);
    const double ma = mean(a), mb = mean(b);
    double ab = 0;
    for (int64_t t = 0; t < frames; ++t) {
      ab += (a[static_cast<size_t>(t)] - ma) * (b[static_cast<size_t>(t)] - mb);
    }
    EXPECT_GT(ab / (static_cast<double>(frames) * sd(a) * sd(b)), 0.8) << subject;
  }
}

TEST(SimNetworks, RejectsImpossibleModels) {
  core::RandomStream random(1, 1);
  const auto centres = region_centres();
  neuro::NetworkOptions options;
  options.networks = 0;
  EXPECT_THROW(neuro::make_network_model(centres, 2.0, options, random), std::invalid_argument);
  options.networks = 100;
  EXPECT_THROW(neuro::make_network_model(centres, 2.0, options, random), std::invalid_argument);
  options = {};
  options.max_frequency_hz = 0.3;  // above Nyquist at TR 2 s
  EXPECT_THROW(neuro::make_network_model(centres, 2.0, options, random), std::invalid_argument);
  options = {};
  options.max_damping = 1.0;
  EXPECT_THROW(neuro::make_network_model(centres, 2.0, options, random), std::invalid_argument);
}

TEST(SimNoise, Ar1SeriesHasItsVarianceAndAutocorrelation) {
  core::RandomStream random(4, 1);
  const auto x = neuro::ar1_series(50000, 0.6, 2.0, random);
  EXPECT_NEAR(sd(x), 2.0, 0.05);
  EXPECT_NEAR(lag1(x), 0.6, 0.02);
}

TEST(SimNoise, Ar1FieldStepsEverySeriesIndependently) {
  neuro::Ar1Field field(3, 0.3, 1.5, 4, 2);
  std::vector<std::vector<double>> series(3);
  std::vector<float> frame(3);
  for (int t = 0; t < 30000; ++t) {
    field.next(frame);
    for (size_t i = 0; i < 3; ++i) {
      series[i].push_back(frame[i]);
    }
  }
  for (const auto& s : series) {
    EXPECT_NEAR(sd(s), 1.5, 0.05);
    EXPECT_NEAR(lag1(s), 0.3, 0.03);
  }
  // Same seed and stream: same numbers.
  neuro::Ar1Field again(3, 0.3, 1.5, 4, 2);
  again.next(frame);
  EXPECT_EQ(frame[0], static_cast<float>(series[0][0]));
  std::vector<float> wrong(2);
  EXPECT_THROW(again.next(wrong), std::invalid_argument);
}

TEST(SimNoise, FramewiseDisplacementFollowsPower) {
  // Frame 1 moves 0.1 mm in x and turns 0.002 rad about z: FD = 0.1 + 50 * 0.002.
  std::vector<double> p(3 * 6, 0.0);
  p[6 + 0] = 0.1;
  p[6 + 5] = 0.002;
  p[12 + 0] = 0.1;
  p[12 + 5] = 0.002;
  const auto fd = neuro::framewise_displacement(p, 3, 50.0);
  EXPECT_EQ(fd[0], 0.0);
  EXPECT_NEAR(fd[1], 0.2, 1e-12);
  EXPECT_NEAR(fd[2], 0.0, 1e-12);
}

TEST(SimNoise, SpikesJerkTheHeadAndShowInDisplacement) {
  core::RandomStream spikes_random(5, 1);
  const auto spikes = neuro::draw_spike_frames(20000, 0.01, spikes_random);
  EXPECT_NEAR(static_cast<double>(spikes.size()) / 20000.0, 0.01, 0.002);
  EXPECT_TRUE(std::is_sorted(spikes.begin(), spikes.end()));
  EXPECT_GE(spikes.front(), 1);

  core::RandomStream motion_random(5, 2);
  const std::vector<int64_t> at = {50, 120};
  const auto motion = neuro::simulate_motion(200, at, 1.0, {}, motion_random);
  ASSERT_EQ(motion.parameters.size(), 200u * 6);
  std::vector<double> quiet;
  for (int64_t t = 1; t < 200; ++t) {
    if (t != 50 && t != 51 && t != 120 && t != 121) {
      quiet.push_back(motion.framewise_displacement[static_cast<size_t>(t)]);
    }
  }
  const double typical = mean(quiet);
  EXPECT_LT(typical, 0.3);
  for (int64_t t : {50, 51, 120, 121}) {
    EXPECT_GT(motion.framewise_displacement[static_cast<size_t>(t)], 0.5) << t;
    EXPECT_GT(motion.framewise_displacement[static_cast<size_t>(t)], 4 * typical) << t;
  }
  // A still subject does not move between spikes.
  core::RandomStream still_random(5, 3);
  const auto still = neuro::simulate_motion(50, {}, 0.0, {}, still_random);
  for (double fd : still.framewise_displacement) {
    EXPECT_EQ(fd, 0.0);
  }
}

TEST(SimNoise, CosineDriftBasisIsOrthogonal) {
  const auto basis = neuro::cosine_drift_basis(100, 3);
  ASSERT_EQ(basis.size(), 300u);
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      double dot = 0;
      for (int t = 0; t < 100; ++t) {
        dot += basis[t * 3 + a] * basis[t * 3 + b];
      }
      EXPECT_NEAR(dot, a == b ? 50.0 : 0.0, 1e-9);
    }
  }
  EXPECT_NEAR(basis[0], std::cos(std::numbers::pi * 0.5 / 100), 1e-12);
}
