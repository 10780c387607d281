#include "neuro/signal/clean.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "kernels/cpu/linalg.h"
#include "neuro/signal/butterworth.h"
#include "neuro/signal/cosine_drift.h"

namespace neuro {

namespace {

using Filter = CleanOptions::Filter;

// Confound columns whose pivoted-QR diagonal falls to this are treated as
// combinations of the others (nilearn's threshold, on standardised columns).
constexpr double kConfoundRankTolerance = 100.0 * std::numeric_limits<double>::epsilon();

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw std::runtime_error(where + ": " + problem);
}

void check_series(const ParcelSeries& s) {
  if (s.frames < 0 || s.parcels < 0 ||
      s.values.size() != static_cast<size_t>(s.frames) * static_cast<size_t>(s.parcels)) {
    fail("series", "holds " + std::to_string(s.values.size()) + " values, expected " +
                       std::to_string(s.frames) + " frames x " + std::to_string(s.parcels) +
                       " parcels");
  }
  if (s.frames < 2)
    fail("series", "cleaning needs at least 2 frames, got " + std::to_string(s.frames));
  for (int64_t t = 0; t < s.frames; ++t) {
    for (int64_t p = 0; p < s.parcels; ++p) {
      if (std::isfinite(s.at(t, p))) continue;
      const size_t i = static_cast<size_t>(p);
      const std::string parcel = i < s.names.size() && !s.names[i].empty()
                                     ? "parcel '" + s.names[i] + "'"
                                     : "parcel " + std::to_string(p);
      fail("series", "frame " + std::to_string(t) + ", " + parcel + " is " +
                         (std::isnan(s.at(t, p)) ? "NaN" : "infinite"));
    }
  }
}

// Validates the filter settings and returns the Butterworth sections if any.
std::optional<SecondOrderSections> check_filter(const CleanOptions& o, double tr, int64_t frames) {
  if (o.high_pass_hz < 0 || !std::isfinite(o.high_pass_hz)) {
    fail("series", "high_pass_hz must be a non-negative number, got " + number(o.high_pass_hz));
  }
  if (o.low_pass_hz < 0 || !std::isfinite(o.low_pass_hz)) {
    fail("series", "low_pass_hz must be a non-negative number, got " + number(o.low_pass_hz));
  }
  if (o.filter == Filter::kNone) {
    if (o.high_pass_hz > 0 || o.low_pass_hz > 0) {
      fail("series", "a cut-off frequency is set but the filter is none");
    }
    return std::nullopt;
  }
  if (!(tr > 0) || !std::isfinite(tr)) {
    fail("series", "filtering needs a TR > 0 s, got " + number(tr));
  }
  if (o.filter == Filter::kCosine) {
    if (!(o.high_pass_hz > 0)) fail("series", "the cosine filter needs high_pass_hz > 0");
    if (o.low_pass_hz > 0) {
      fail("series", "low_pass_hz is not available with the cosine filter, only with butterworth");
    }
    // nilearn's own test: the cosines would span every frequency.
    if (o.high_pass_hz * tr >= 0.5) {
      fail("series", "the high-pass " + number(o.high_pass_hz) +
                         " Hz is at or above the Nyquist frequency " + number(0.5 / tr) +
                         " Hz (TR " + number(tr) + " s)");
    }
    return std::nullopt;
  }

  const double sampling_hz = 1.0 / tr;
  const double nyquist = sampling_hz * 0.5;
  if (!(o.high_pass_hz > 0) && !(o.low_pass_hz > 0)) {
    fail("series", "the butterworth filter needs high_pass_hz or low_pass_hz > 0");
  }
  if (o.high_pass_hz >= nyquist || o.low_pass_hz >= nyquist) {
    const bool high = o.high_pass_hz >= nyquist;
    fail("series", std::string(high ? "the high-pass " : "the low-pass ") +
                       number(high ? o.high_pass_hz : o.low_pass_hz) +
                       " Hz is at or above the Nyquist frequency " + number(nyquist) + " Hz (TR " +
                       number(tr) + " s)");
  }
  if (o.high_pass_hz > 0 && o.low_pass_hz > 0 && o.high_pass_hz >= o.low_pass_hz) {
    fail("series", "the high-pass " + number(o.high_pass_hz) + " Hz must be below the low-pass " +
                       number(o.low_pass_hz) + " Hz");
  }
  if (o.butterworth_order < 1) {
    fail("series",
         "butterworth_order must be at least 1, got " + std::to_string(o.butterworth_order));
  }
  SecondOrderSections sos =
      butterworth_sections(o.butterworth_order, o.high_pass_hz, o.low_pass_hz, sampling_hz);
  const int64_t pad = default_pad_length(sos);
  if (frames <= pad) {
    fail("series", "the order-" + std::to_string(o.butterworth_order) +
                       " butterworth filter pads " + std::to_string(pad) +
                       " frames at each end and needs more frames than that, got " +
                       std::to_string(frames));
  }
  return sos;
}

ConfoundTable prepared_confounds(const ConfoundTable& given, int64_t frames) {
  const std::string where = given.source.empty() ? std::string("confounds") : given.source;
  if (given.frames != frames) {
    fail(where, std::to_string(given.frames) + " confound rows, the series has " +
                    std::to_string(frames) + " frames");
  }
  if (given.values.size() != static_cast<size_t>(given.frames) * given.names.size()) {
    fail(where, "holds " + std::to_string(given.values.size()) + " values, expected " +
                    std::to_string(given.frames) + " rows x " + std::to_string(given.columns()) +
                    " columns");
  }
  ConfoundTable table = given;
  fill_missing_confounds(table);
  for (int64_t t = 0; t < table.frames; ++t) {
    for (int64_t c = 0; c < table.columns(); ++c) {
      if (std::isinf(table.at(t, c))) {
        fail(where, "row " + std::to_string(t) + ", column '" +
                        table.names[static_cast<size_t>(c)] + "' is infinite");
      }
    }
  }
  return table;
}

// nilearn scales unstandardised confounds by their largest magnitude for the
// conditioning of the QR; it keeps their means (a constant column can matter).
void scale_by_largest(double* x, int64_t frames, int64_t columns) {
  std::vector<double> largest(static_cast<size_t>(columns), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < columns; ++c) {
      double& m = largest[static_cast<size_t>(c)];
      m = std::max(m, std::abs(x[t * columns + c]));
    }
  }
  for (double& m : largest)
    m = m == 0.0 ? 1.0 : m;
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < columns; ++c)
      x[t * columns + c] /= largest[static_cast<size_t>(c)];
  }
}

// nilearn's test: the average magnitude of the column means has fallen below a
// tenth of what it was.
bool mean_was_removed(const std::vector<double>& signals, const std::vector<double>& original_mean,
                      int64_t frames, int64_t parcels) {
  double now = 0.0, before = 0.0;
  for (int64_t p = 0; p < parcels; ++p) {
    double mean = 0.0;
    for (int64_t t = 0; t < frames; ++t)
      mean += signals[static_cast<size_t>(t * parcels + p)];
    now += std::abs(mean / static_cast<double>(frames));
    before += std::abs(original_mean[static_cast<size_t>(p)]);
  }
  return now / static_cast<double>(parcels) / (before / static_cast<double>(parcels)) < 1e-1;
}

}  // namespace

void clean_series(ParcelSeries& series, const CleanOptions& options,
                  const ConfoundTable* confounds) {
  check_series(series);
  const int64_t frames = series.frames, parcels = series.parcels;
  const double tr = series.tr_seconds;
  const std::optional<SecondOrderSections> sos = check_filter(options, tr, frames);

  // The regressors to project out: the user's confounds, the drift terms, or
  // both. Empty (no columns) when there are none.
  ConfoundTable regressors;
  regressors.frames = frames;
  if (confounds != nullptr) regressors = prepared_confounds(*confounds, frames);
  if (options.filter == Filter::kCosine) {
    regressors = append_cosine_drift(confounds != nullptr ? &regressors : nullptr, frames, tr,
                                     options.high_pass_hz);
  }
  const int64_t n_regressors = regressors.columns();

  std::vector<double> signals(series.values.begin(), series.values.end());  // [T, P]
  std::vector<double> original_mean(static_cast<size_t>(parcels), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t p = 0; p < parcels; ++p)
      original_mean[static_cast<size_t>(p)] += series.at(t, p);
  }
  for (double& m : original_mean)
    m /= static_cast<double>(frames);

  if (options.detrend) {
    detrend(signals.data(), frames, parcels);
    if (n_regressors > 0) detrend(regressors.values.data(), frames, n_regressors);
  }

  if (sos) {
    filter_zero_phase(*sos, signals.data(), frames, parcels);
    if (n_regressors > 0) filter_zero_phase(*sos, regressors.values.data(), frames, n_regressors);
  }

  if (n_regressors > 0) {
    double* x = regressors.values.data();  // [T, C]
    if (options.standardize_confounds) {
      standardize(x, frames, n_regressors, Standardize::kZScore);
    } else {
      scale_by_largest(x, frames, n_regressors);
    }
    kernels::cpu::residualize(x, frames, n_regressors, signals.data(), parcels,
                              kConfoundRankTolerance);
  }

  if (options.standardize == Standardize::kPercentSignalChange &&
      mean_was_removed(signals, original_mean, frames, parcels)) {
    // Percent signal change is relative to the original mean, which
    // detrending or a high-pass has taken away: it is put back first.
    for (int64_t t = 0; t < frames; ++t) {
      for (int64_t p = 0; p < parcels; ++p) {
        signals[static_cast<size_t>(t * parcels + p)] += original_mean[static_cast<size_t>(p)];
      }
    }
  }
  standardize(signals.data(), frames, parcels, options.standardize);

  std::transform(signals.begin(), signals.end(), series.values.begin(),
                 [](double v) { return static_cast<float>(v); });
}

}  // namespace neuro
