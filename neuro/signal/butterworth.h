#pragma once
// Zero-phase Butterworth filtering of time series, as nilearn.signal.butterworth
// does it: the filter is designed as second-order sections exactly like
// scipy.signal.butter(order, Wn, btype, output='sos', fs=...) and applied
// forwards and backwards like scipy.signal.sosfiltfilt with its default odd
// extension of the ends. Designing in sections (not as one polynomial) keeps
// high orders and very low cut-offs — 0.008 Hz at TR 0.72 s — stable.

#include <array>
#include <cstdint>
#include <vector>

namespace neuro {

// One row per section: b0 b1 b2 a0 a1 a2 (scipy's layout), a0 == 1.
using SecondOrderSections = std::vector<std::array<double, 6>>;

// A high-pass when only high_pass_hz > 0, a low-pass when only low_pass_hz > 0,
// a band-pass [high_pass_hz, low_pass_hz] when both are. 0 means "no cut-off".
// A band-pass of order N has N sections, a low- or high-pass (N + 1) / 2.
// Throws std::invalid_argument when order < 1, sampling_hz <= 0, a cut-off is
// negative or not below Nyquist (sampling_hz / 2), neither is given, or the
// high-pass is not below the low-pass.
SecondOrderSections butterworth_sections(int order, double high_pass_hz, double low_pass_hz,
                                         double sampling_hz);

// scipy.signal.sosfiltfilt's default pad length: 3 * (2 * sections + 1 - z),
// z being the number of trailing b2 or a2 coefficients that are zero
// (first-order sections need less padding).
int64_t default_pad_length(const SecondOrderSections& sos);

// Causal filtering of one sequence in place (scipy.signal.sosfilt), starting
// from zero state.
void filter_causal(const SecondOrderSections& sos, double* x, int64_t length);

// Zero-phase filtering of every column of x [frames, columns] (row-major) in
// place: odd extension by `pad_length` samples at each end (negative means
// default_pad_length), forward pass and backward pass each started from the
// steady state of a step of the first sample (sosfilt_zi), extension removed.
// Throws std::invalid_argument when frames <= pad length, naming both.
void filter_zero_phase(const SecondOrderSections& sos, double* x, int64_t frames, int64_t columns,
                       int64_t pad_length = -1);

}  // namespace neuro
