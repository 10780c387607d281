#include "neuro/sim/network_dynamics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "neuro/sim/hrf.h"

namespace neuro {

namespace {

using Matrix = std::vector<double>;  // square, row-major

Matrix multiply(const Matrix& a, const Matrix& b, int n) {
  Matrix c(static_cast<size_t>(n * n), 0.0);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < n; ++k) {
      const double aik = a[static_cast<size_t>(i * n + k)];
      for (int j = 0; j < n; ++j) {
        c[static_cast<size_t>(i * n + j)] += aik * b[static_cast<size_t>(k * n + j)];
      }
    }
  }
  return c;
}

Matrix transpose(const Matrix& a, int n) {
  Matrix t(a.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      t[static_cast<size_t>(j * n + i)] = a[static_cast<size_t>(i * n + j)];
    }
  }
  return t;
}

// A random orthonormal basis (Gram-Schmidt on Gaussian columns): it spreads
// each oscillator over several networks, which couples them.
Matrix random_rotation(int n, core::RandomStream& random) {
  Matrix q(static_cast<size_t>(n * n));
  for (double& v : q) {
    v = random.normal();
  }
  for (int c = 0; c < n; ++c) {
    for (int prev = 0; prev < c; ++prev) {
      double dot = 0;
      for (int r = 0; r < n; ++r) {
        dot += q[static_cast<size_t>(r * n + c)] * q[static_cast<size_t>(r * n + prev)];
      }
      for (int r = 0; r < n; ++r) {
        q[static_cast<size_t>(r * n + c)] -= dot * q[static_cast<size_t>(r * n + prev)];
      }
    }
    double norm = 0;
    for (int r = 0; r < n; ++r) {
      norm += q[static_cast<size_t>(r * n + c)] * q[static_cast<size_t>(r * n + c)];
    }
    norm = std::sqrt(norm);
    for (int r = 0; r < n; ++r) {
      q[static_cast<size_t>(r * n + c)] /= norm;
    }
  }
  return q;
}

// Solves S = A S A^T + I by fixed-point iteration; converges because A is
// stable (spectral radius = the largest damping < 1).
Matrix stationary_covariance(const Matrix& a, int n) {
  Matrix s(static_cast<size_t>(n * n), 0.0);
  for (int i = 0; i < n; ++i) {
    s[static_cast<size_t>(i * n + i)] = 1.0;
  }
  const Matrix at = transpose(a, n);
  for (int iteration = 0; iteration < 100000; ++iteration) {
    Matrix next = multiply(multiply(a, s, n), at, n);
    for (int i = 0; i < n; ++i) {
      next[static_cast<size_t>(i * n + i)] += 1.0;
    }
    double change = 0;
    for (size_t k = 0; k < s.size(); ++k) {
      change = std::max(change, std::abs(next[k] - s[k]));
    }
    s = std::move(next);
    if (change < 1e-12) break;
  }
  return s;
}

void normalise_rows(std::vector<double>& loadings, int64_t rows, int cols) {
  for (int64_t p = 0; p < rows; ++p) {
    double norm = 0;
    for (int k = 0; k < cols; ++k) {
      norm +=
          loadings[static_cast<size_t>(p * cols + k)] * loadings[static_cast<size_t>(p * cols + k)];
    }
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    for (int k = 0; k < cols; ++k) {
      loadings[static_cast<size_t>(p * cols + k)] /= norm;
    }
  }
}

double squared_distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return dx * dx + dy * dy + dz * dz;
}

}  // namespace

NetworkModel make_network_model(std::span<const std::array<double, 3>> region_centres_mm,
                                double tr_seconds, const NetworkOptions& options,
                                core::RandomStream& random) {
  const int k_networks = options.networks;
  const auto regions = static_cast<int64_t>(region_centres_mm.size());
  if (k_networks < 1) throw std::invalid_argument("networks: at least one network is needed");
  if (k_networks > regions) {
    throw std::invalid_argument("networks: " + std::to_string(k_networks) +
                                " networks need at least as many regions, the atlas has " +
                                std::to_string(regions));
  }
  if (!(tr_seconds > 0) || !std::isfinite(tr_seconds)) {
    throw std::invalid_argument("networks: the TR must be a positive finite number");
  }
  const double nyquist = 0.5 / tr_seconds;
  if (!(options.min_frequency_hz > 0) || options.max_frequency_hz < options.min_frequency_hz ||
      options.max_frequency_hz >= nyquist) {
    throw std::invalid_argument("networks: oscillator frequencies must lie in (0, " +
                                std::to_string(nyquist) + ") Hz, the Nyquist limit at this TR");
  }
  if (!(options.min_damping > 0) || options.max_damping >= 1.0 ||
      options.max_damping < options.min_damping) {
    throw std::invalid_argument("networks: damping must lie in (0, 1) for a stable process");
  }

  NetworkModel model;
  model.networks = k_networks;
  model.regions = regions;
  model.tr_seconds = tr_seconds;

  // Block-diagonal damped rotations, one per oscillator, turned into a
  // coupled system by a random change of basis.
  const int n = k_networks;
  Matrix blocks(static_cast<size_t>(n * n), 0.0);
  for (int first = 0; first < n; first += 2) {
    const double damping =
        options.min_damping + random.uniform() * (options.max_damping - options.min_damping);
    model.damping.push_back(damping);
    if (first + 1 < n) {
      const double frequency =
          options.min_frequency_hz +
          random.uniform() * (options.max_frequency_hz - options.min_frequency_hz);
      model.frequencies_hz.push_back(frequency);
      const double angle = 2.0 * std::numbers::pi * frequency * tr_seconds;
      const double c = damping * std::cos(angle), s = damping * std::sin(angle);
      blocks[static_cast<size_t>(first * n + first)] = c;
      blocks[static_cast<size_t>(first * n + first + 1)] = -s;
      blocks[static_cast<size_t>((first + 1) * n + first)] = s;
      blocks[static_cast<size_t>((first + 1) * n + first + 1)] = c;
    } else {
      model.frequencies_hz.push_back(0.0);
      blocks[static_cast<size_t>(first * n + first)] = damping;
    }
  }
  const Matrix q = random_rotation(n, random);
  model.transition = multiply(multiply(q, blocks, n), transpose(q, n), n);

  // Spread-out seeds, then nearest-seed membership.
  std::vector<int64_t> seeds{static_cast<int64_t>(random.below(static_cast<uint64_t>(regions)))};
  std::vector<double> nearest(static_cast<size_t>(regions),
                              std::numeric_limits<double>::infinity());
  while (static_cast<int>(seeds.size()) < n) {
    const auto& last = region_centres_mm[static_cast<size_t>(seeds.back())];
    int64_t farthest = 0;
    for (int64_t p = 0; p < regions; ++p) {
      auto& d = nearest[static_cast<size_t>(p)];
      d = std::min(d, squared_distance(region_centres_mm[static_cast<size_t>(p)], last));
      if (d > nearest[static_cast<size_t>(farthest)]) farthest = p;
    }
    seeds.push_back(farthest);
  }
  model.primary_network.assign(static_cast<size_t>(regions), 0);
  model.loadings.assign(static_cast<size_t>(regions * n), 0.0);
  for (int64_t p = 0; p < regions; ++p) {
    int best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (int k = 0; k < n; ++k) {
      const double d =
          squared_distance(region_centres_mm[static_cast<size_t>(p)],
                           region_centres_mm[static_cast<size_t>(seeds[static_cast<size_t>(k)])]);
      if (d < best_distance) {
        best_distance = d;
        best = k;
      }
    }
    model.primary_network[static_cast<size_t>(p)] = best;
    for (int k = 0; k < n; ++k) {
      model.loadings[static_cast<size_t>(p * n + k)] =
          k == best
              ? options.primary_loading_min + random.uniform() * (1.0 - options.primary_loading_min)
              : random.normal(0.0, options.cross_loading_sd);
    }
  }
  normalise_rows(model.loadings, regions, n);

  // Stationary SD after the HRF: Var(sum_j h_j x_{t-j}) = sum_jk h_j h_k [A^|j-k| S]_ii.
  const Matrix s = stationary_covariance(model.transition, n);
  const auto kernel = canonical_hrf(tr_seconds);
  const auto taps = static_cast<int>(kernel.size());
  std::vector<Matrix> lagged{s};  // A^d S
  for (int d = 1; d < taps; ++d) {
    lagged.push_back(multiply(model.transition, lagged.back(), n));
  }
  model.bold_sd.assign(static_cast<size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) {
    double variance = 0;
    for (int j = 0; j < taps; ++j) {
      for (int k = 0; k < taps; ++k) {
        variance += kernel[static_cast<size_t>(j)] * kernel[static_cast<size_t>(k)] *
                    lagged[static_cast<size_t>(std::abs(j - k))][static_cast<size_t>(i * n + i)];
      }
    }
    model.bold_sd[static_cast<size_t>(i)] = std::sqrt(variance);
  }
  return model;
}

std::vector<double> jitter_loadings(const NetworkModel& model, double sd,
                                    core::RandomStream& random) {
  std::vector<double> loadings = model.loadings;
  for (double& v : loadings) {
    v += random.normal(0.0, sd);
  }
  normalise_rows(loadings, model.regions, model.networks);
  return loadings;
}

std::vector<double> simulate_networks(const NetworkModel& model, int64_t frames,
                                      core::RandomStream& random) {
  const int n = model.networks;
  if (frames < 0) throw std::invalid_argument("networks: frames must not be negative");
  // Long enough for the start at zero to be forgotten (0.97^300 < 1e-3) and
  // for the HRF to see a full past.
  const int64_t burn_in = 300;
  const int64_t total = frames + burn_in;
  std::vector<double> latent(static_cast<size_t>(total * n), 0.0);  // [T + burn, K]
  std::vector<double> previous(static_cast<size_t>(n), 0.0);
  for (int64_t t = 0; t < total; ++t) {
    for (int i = 0; i < n; ++i) {
      double value = random.normal();
      for (int j = 0; j < n; ++j) {
        value +=
            model.transition[static_cast<size_t>(i * n + j)] * previous[static_cast<size_t>(j)];
      }
      latent[static_cast<size_t>(t * n + i)] = value;
    }
    std::copy_n(latent.begin() + t * n, n, previous.begin());
  }
  std::vector<double> out(static_cast<size_t>(frames * n));  // [T, K]
  std::vector<double> column(static_cast<size_t>(total));
  for (int i = 0; i < n; ++i) {
    for (int64_t t = 0; t < total; ++t) {
      column[static_cast<size_t>(t)] = latent[static_cast<size_t>(t * n + i)];
    }
    const auto bold = convolve_with_hrf(column, model.tr_seconds);
    const double scale = 1.0 / model.bold_sd[static_cast<size_t>(i)];
    for (int64_t t = 0; t < frames; ++t) {
      out[static_cast<size_t>(t * n + i)] = bold[static_cast<size_t>(t + burn_in)] * scale;
    }
  }
  return out;
}

std::vector<double> mix_networks(std::span<const double> networks, std::span<const double> loadings,
                                 int64_t frames, int64_t regions, int network_count) {
  const auto k_count = static_cast<int64_t>(network_count);
  if (static_cast<int64_t>(networks.size()) != frames * k_count ||
      static_cast<int64_t>(loadings.size()) != regions * k_count) {
    throw std::invalid_argument("networks: shapes of networks [T, K] and loadings [P, K] disagree");
  }
  std::vector<double> out(static_cast<size_t>(frames * regions), 0.0);  // [T, P]
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t p = 0; p < regions; ++p) {
      double sum = 0;
      for (int64_t k = 0; k < k_count; ++k) {
        sum += networks[static_cast<size_t>(t * k_count + k)] *
               loadings[static_cast<size_t>(p * k_count + k)];
      }
      out[static_cast<size_t>(t * regions + p)] = sum;
    }
  }
  return out;
}

}  // namespace neuro
