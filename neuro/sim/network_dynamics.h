#pragma once
// Resting-state structure shared by every simulated subject: a few latent
// networks follow a stable linear process (damped coupled oscillators in a
// random basis), and each region is driven by fixed loadings on them. The
// process and the loadings come from the group seed alone, so a model
// pretrained on one subject's fluctuations meets the same structure in the
// next; subjects differ only by a small jitter of the loadings and by their
// own innovations.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/random/philox.h"

namespace neuro {

struct NetworkOptions {
  int networks = 5;                // K
  double min_frequency_hz = 0.01;  // oscillator frequencies drawn uniformly in [min, max]
  double max_frequency_hz = 0.08;
  double min_damping = 0.85;  // per-step radius of each oscillator, uniform in [min, max] < 1
  double max_damping = 0.97;
  double primary_loading_min = 0.7;  // loading of a region on its own network, uniform in [min, 1]
  double cross_loading_sd = 0.15;    // loadings on the other networks
};

struct NetworkModel {
  int networks = 0;     // K
  int64_t regions = 0;  // P
  double tr_seconds = 0;
  std::vector<double> transition;      // [K, K] row-major: x_t = A x_{t-1} + e_t, e_t ~ N(0, I)
  std::vector<double> frequencies_hz;  // one per oscillator (K/2 rounded up; the last of an
                                       // odd K is a plain AR(1) with frequency 0)
  std::vector<double> damping;         // one per oscillator
  std::vector<double> loadings;        // [P, K], each row of unit length
  std::vector<int> primary_network;    // [P]: the network each region belongs to
  std::vector<double> bold_sd;         // [K]: stationary SD of each network after the HRF
};

// Networks are seeded at regions spread out in space (farthest-point
// sampling from a random first region) and every region joins the nearest
// seed, so networks are spatially coherent as real ones are. Throws
// std::invalid_argument for fewer than 1 network, more networks than
// regions, a TR that is not positive, or frequencies and damping out of range
// (a frequency at or above Nyquist, a damping not in (0, 1)).
NetworkModel make_network_model(std::span<const std::array<double, 3>> region_centres_mm,
                                double tr_seconds, const NetworkOptions& options,
                                core::RandomStream& random);

// One subject's loadings: the group's plus N(0, sd) on every entry, each row
// scaled back to unit length. [P, K]
std::vector<double> jitter_loadings(const NetworkModel& model, double sd,
                                    core::RandomStream& random);

// Network time courses for one run, [T, K]: the latent process run past a
// burn-in, convolved with the canonical HRF so that it has the slow spectrum
// of BOLD, and divided by its stationary SD so each network has variance 1.
std::vector<double> simulate_networks(const NetworkModel& model, int64_t frames,
                                      core::RandomStream& random);

// Region signals [T, P] = networks [T, K] x loadings^T [K, P].
std::vector<double> mix_networks(std::span<const double> networks, std::span<const double> loadings,
                                 int64_t frames, int64_t regions, int network_count);

}  // namespace neuro
