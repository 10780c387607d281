#pragma once
// SPM's canonical haemodynamic response: a difference of two gamma densities
// (response peak at 6 s, undershoot at 16 s, undershoot 1/6 of the peak), and
// the step from a list of stimuli to the BOLD regressor they predict. The
// simulator makes its task signals with it and the GLM models them with the
// same function, so that both agree on what a response looks like.

#include <cstdint>
#include <span>
#include <vector>

namespace neuro {

// The parameters of SPM's spm_hrf (p(1)..p(7)), in seconds.
struct HrfParameters {
  double peak_delay = 6.0;              // shape of the response gamma times its dispersion
  double undershoot_delay = 16.0;       // the same for the undershoot gamma
  double peak_dispersion = 1.0;         // scale of the response gamma
  double undershoot_dispersion = 1.0;   // scale of the undershoot gamma
  double undershoot_ratio = 1.0 / 6.0;  // undershoot gamma weight relative to the response
  double onset = 0.0;                   // delay before the response starts
  double length = 32.0;                 // support of the sampled kernel
};

// The closed form at `t_seconds` after stimulus onset, not normalised:
//   g(t; a1, b1) - ratio * g(t; a2, b2),  g(t; a, b) = t^(a-1) e^(-t/b) / (Gamma(a) b^a),
// with a = delay / dispersion and b = dispersion, and t shifted by `onset`.
// 0 before the onset. Its integral over [0, inf) is 1 - ratio.
double double_gamma_hrf(double t_seconds, const HrfParameters& parameters = {});

// The kernel sampled every `dt_seconds` from 0 to `length` (inclusive, as SPM
// does) and scaled to sum to 1, so that a sustained stimulus of amplitude 1
// convolved with it settles at 1. Throws std::invalid_argument for a step
// that is not a positive finite number or parameters that are not positive.
std::vector<double> canonical_hrf(double dt_seconds, const HrfParameters& parameters = {});

// A stimulus of the design: a box of `amplitude` from `onset` for `duration`
// seconds. A zero duration is an impulse with the area of a one-second box,
// so that very short events still predict a response of sensible size.
struct Stimulus {
  double onset = 0;
  double duration = 0;
  double amplitude = 1;
};

// The predicted BOLD response of the stimuli at the acquisition time of each
// frame (t * TR): the stimuli are laid on a grid of `microtime_bins` bins per
// TR, convolved with canonical_hrf at that resolution and read at the start of
// each frame. A box held for long enough settles at its amplitude. Throws
// std::invalid_argument for frames < 0, a TR that is not a positive finite
// number, microtime_bins < 1, or a stimulus with a non-finite onset or a
// negative duration.
std::vector<double> hrf_regressor(std::span<const Stimulus> stimuli, int64_t frames,
                                  double tr_seconds, int microtime_bins = 16,
                                  const HrfParameters& parameters = {});

// Causal convolution of a series sampled every TR with the canonical HRF at
// the same step: out[t] = sum_k kernel[k] * series[t - k]. Used to turn latent
// neural activity into slow BOLD fluctuations.
std::vector<double> convolve_with_hrf(std::span<const double> series, double tr_seconds,
                                      const HrfParameters& parameters = {});

}  // namespace neuro
