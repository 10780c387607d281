#include "neuro/sim/noise.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace neuro {

std::vector<int64_t> draw_spike_frames(int64_t frames, double rate, core::RandomStream& random) {
  if (!(rate >= 0 && rate <= 1)) {
    throw std::invalid_argument("spike_rate: must lie in [0, 1]");
  }
  std::vector<int64_t> spikes;
  for (int64_t t = 1; t < frames; ++t) {
    if (random.uniform() < rate) spikes.push_back(t);
  }
  return spikes;
}

MotionTrace simulate_motion(int64_t frames, std::span<const int64_t> spike_frames, double scale,
                            const MotionOptions& options, core::RandomStream& random) {
  if (frames < 0) throw std::invalid_argument("motion: frames must not be negative");
  if (!(options.persistence >= 0 && options.persistence < 1)) {
    throw std::invalid_argument("motion: persistence must lie in [0, 1)");
  }
  MotionTrace trace;
  trace.frames = frames;
  trace.parameters.assign(static_cast<size_t>(frames * 6), 0.0);
  double state[6] = {0, 0, 0, 0, 0, 0};
  for (int64_t t = 0; t < frames; ++t) {
    for (int p = 0; p < 6; ++p) {
      const double step = p < 3 ? options.translation_step_mm : options.rotation_step_rad;
      state[p] = options.persistence * state[p] + scale * step * random.normal();
      trace.parameters[static_cast<size_t>(t * 6 + p)] = state[p];
    }
  }
  for (int64_t spike : spike_frames) {
    if (spike < 0 || spike >= frames) continue;
    // A jerk in a random direction; its size varies between 0.5 and 1.5 of
    // the typical one.
    const double size = 0.5 + random.uniform();
    double direction[6];
    double norm_t = 0, norm_r = 0;
    for (int p = 0; p < 6; ++p) {
      direction[p] = random.normal();
      (p < 3 ? norm_t : norm_r) += direction[p] * direction[p];
    }
    norm_t = std::sqrt(norm_t);
    norm_r = std::sqrt(norm_r);
    for (int p = 0; p < 6; ++p) {
      const double magnitude =
          p < 3 ? options.spike_translation_mm / norm_t : options.spike_rotation_rad / norm_r;
      trace.parameters[static_cast<size_t>(spike * 6 + p)] += size * magnitude * direction[p];
    }
  }
  trace.framewise_displacement =
      framewise_displacement(trace.parameters, frames, options.head_radius_mm);
  return trace;
}

std::vector<double> framewise_displacement(std::span<const double> parameters, int64_t frames,
                                           double head_radius_mm) {
  if (static_cast<int64_t>(parameters.size()) != frames * 6) {
    throw std::invalid_argument("motion: parameters must be [T, 6]");
  }
  std::vector<double> fd(static_cast<size_t>(frames), 0.0);
  for (int64_t t = 1; t < frames; ++t) {
    double sum = 0;
    for (int p = 0; p < 6; ++p) {
      const double change = std::abs(parameters[static_cast<size_t>(t * 6 + p)] -
                                     parameters[static_cast<size_t>((t - 1) * 6 + p)]);
      sum += p < 3 ? change : change * head_radius_mm;
    }
    fd[static_cast<size_t>(t)] = sum;
  }
  return fd;
}

std::vector<double> cosine_drift_basis(int64_t frames, int order) {
  if (frames < 0 || order < 0) {
    throw std::invalid_argument("drift: frames and order must not be negative");
  }
  std::vector<double> basis(static_cast<size_t>(frames * order));  // [T, order]
  for (int64_t t = 0; t < frames; ++t) {
    for (int k = 1; k <= order; ++k) {
      basis[static_cast<size_t>(t * order + k - 1)] = std::cos(
          std::numbers::pi * k * (static_cast<double>(t) + 0.5) / static_cast<double>(frames));
    }
  }
  return basis;
}

std::vector<double> ar1_series(int64_t frames, double phi, double sd, core::RandomStream& random) {
  if (!(phi > -1 && phi < 1)) throw std::invalid_argument("ar1: phi must lie in (-1, 1)");
  std::vector<double> series(static_cast<size_t>(std::max<int64_t>(frames, 0)));
  const double innovation = std::sqrt(1.0 - phi * phi) * sd;
  double x = sd * random.normal();
  for (auto& value : series) {
    value = x;
    x = phi * x + innovation * random.normal();
  }
  return series;
}

Ar1Field::Ar1Field(size_t series, double phi, double sd, uint64_t seed, uint64_t stream)
    : phi_(phi), innovation_sd_(std::sqrt(1.0 - phi * phi) * sd), random_(seed, stream) {
  if (!(phi > -1 && phi < 1)) throw std::invalid_argument("ar1: phi must lie in (-1, 1)");
  state_.resize(series);
  // Start from the stationary distribution so the first frame is no quieter
  // than the rest; a step from a stationary state stays stationary.
  for (double& x : state_) {
    x = sd * random_.normal();
  }
}

void Ar1Field::next(std::span<float> out) {
  if (out.size() != state_.size()) {
    throw std::invalid_argument("ar1: output size differs from the field");
  }
  for (size_t i = 0; i < state_.size(); ++i) {
    state_[i] = phi_ * state_[i] + innovation_sd_ * random_.normal();
    out[i] = static_cast<float>(state_[i]);
  }
}

}  // namespace neuro
