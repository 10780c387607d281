#include "neuro/sim/hrf.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace neuro {

namespace {

// Gamma density with shape a and scale b, evaluated through logarithms so that
// large shapes (the undershoot's 16) do not overflow.
double gamma_density(double t, double shape, double scale) {
  if (t <= 0) return 0.0;
  const double log_value =
      (shape - 1.0) * std::log(t) - t / scale - std::lgamma(shape) - shape * std::log(scale);
  return std::exp(log_value);
}

void check_parameters(const HrfParameters& p) {
  const bool valid = p.peak_delay > 0 && p.undershoot_delay > 0 && p.peak_dispersion > 0 &&
                     p.undershoot_dispersion > 0 && p.undershoot_ratio >= 0 && p.length > 0 &&
                     std::isfinite(p.onset) && std::isfinite(p.length);
  if (!valid) {
    throw std::invalid_argument(
        "hrf: delays, dispersions and length must be positive and the undershoot ratio "
        "non-negative");
  }
}

void check_step(double step, const char* what) {
  if (!(step > 0) || !std::isfinite(step)) {
    throw std::invalid_argument(std::string("hrf: ") + what + " must be a positive finite number");
  }
}

}  // namespace

double double_gamma_hrf(double t_seconds, const HrfParameters& p) {
  const double t = t_seconds - p.onset;
  if (t <= 0) return 0.0;
  const double response = gamma_density(t, p.peak_delay / p.peak_dispersion, p.peak_dispersion);
  const double undershoot =
      gamma_density(t, p.undershoot_delay / p.undershoot_dispersion, p.undershoot_dispersion);
  return response - p.undershoot_ratio * undershoot;
}

std::vector<double> canonical_hrf(double dt_seconds, const HrfParameters& parameters) {
  check_step(dt_seconds, "the sampling step");
  check_parameters(parameters);
  const auto samples = static_cast<size_t>(std::ceil(parameters.length / dt_seconds)) + 1;
  std::vector<double> kernel(samples);  // [K]
  double sum = 0;
  for (size_t k = 0; k < samples; ++k) {
    kernel[k] = double_gamma_hrf(static_cast<double>(k) * dt_seconds, parameters);
    sum += kernel[k];
  }
  if (!(sum > 0)) throw std::invalid_argument("hrf: the kernel sums to zero at this step");
  for (double& value : kernel) {
    value /= sum;
  }
  return kernel;
}

std::vector<double> hrf_regressor(std::span<const Stimulus> stimuli, int64_t frames,
                                  double tr_seconds, int microtime_bins,
                                  const HrfParameters& parameters) {
  if (frames < 0) throw std::invalid_argument("hrf: the number of frames must not be negative");
  check_step(tr_seconds, "the TR");
  if (microtime_bins < 1) throw std::invalid_argument("hrf: microtime_bins must be at least 1");
  const double dt = tr_seconds / microtime_bins;
  const auto kernel = canonical_hrf(dt, parameters);
  const int64_t bins = frames * microtime_bins;
  std::vector<double> neural(static_cast<size_t>(std::max<int64_t>(bins, 0)), 0.0);  // [T * bins]
  const double end_of_run = static_cast<double>(bins) * dt;
  for (const auto& s : stimuli) {
    if (!std::isfinite(s.onset) || !std::isfinite(s.amplitude)) {
      throw std::invalid_argument("hrf: stimulus onsets and amplitudes must be finite");
    }
    if (!(s.duration >= 0) || !std::isfinite(s.duration)) {
      throw std::invalid_argument("hrf: stimulus durations must be finite and non-negative");
    }
    if (s.duration == 0) {
      if (s.onset < 0 || s.onset >= end_of_run) continue;
      const auto bin = static_cast<size_t>(s.onset / dt);
      neural[bin] += s.amplitude * (1.0 / dt);
      continue;
    }
    // Each bin gets the fraction of its width the box covers, so onsets that
    // fall between bins still give the box its exact area.
    const double start = std::max(s.onset, 0.0);
    const double stop = std::min(s.onset + s.duration, end_of_run);
    if (stop <= start) continue;
    const auto first = static_cast<int64_t>(std::floor(start / dt));
    const auto last = std::min<int64_t>(static_cast<int64_t>(std::ceil(stop / dt)), bins);
    for (int64_t b = first; b < last; ++b) {
      const double lo = std::max(start, static_cast<double>(b) * dt);
      const double hi = std::min(stop, static_cast<double>(b + 1) * dt);
      if (hi > lo) neural[static_cast<size_t>(b)] += s.amplitude * (hi - lo) / dt;
    }
  }
  std::vector<double> regressor(static_cast<size_t>(frames), 0.0);  // [T]
  const auto taps = static_cast<int64_t>(kernel.size());
  for (int64_t t = 0; t < frames; ++t) {
    const int64_t n = t * microtime_bins;
    double sum = 0;
    for (int64_t k = 0; k < taps && k <= n; ++k) {
      sum += kernel[static_cast<size_t>(k)] * neural[static_cast<size_t>(n - k)];
    }
    regressor[static_cast<size_t>(t)] = sum;
  }
  return regressor;
}

std::vector<double> convolve_with_hrf(std::span<const double> series, double tr_seconds,
                                      const HrfParameters& parameters) {
  const auto kernel = canonical_hrf(tr_seconds, parameters);
  const auto n = static_cast<int64_t>(series.size());
  const auto taps = static_cast<int64_t>(kernel.size());
  std::vector<double> out(series.size(), 0.0);  // [T]
  for (int64_t t = 0; t < n; ++t) {
    double sum = 0;
    for (int64_t k = 0; k < taps && k <= t; ++k) {
      sum += kernel[static_cast<size_t>(k)] * series[static_cast<size_t>(t - k)];
    }
    out[static_cast<size_t>(t)] = sum;
  }
  return out;
}

}  // namespace neuro
