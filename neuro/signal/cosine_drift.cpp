#include "neuro/signal/cosine_drift.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace neuro {

namespace {

// Pearson correlation of two columns; NaN when either is constant, which then
// compares false like numpy.corrcoef's NaN does.
double correlation(const ConfoundTable& a, int64_t ca, const ConfoundTable& b, int64_t cb) {
  const int64_t n = a.frames;
  double mean_a = 0.0, mean_b = 0.0;
  for (int64_t t = 0; t < n; ++t) {
    mean_a += a.at(t, ca);
    mean_b += b.at(t, cb);
  }
  mean_a /= static_cast<double>(n);
  mean_b /= static_cast<double>(n);
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (int64_t t = 0; t < n; ++t) {
    const double da = a.at(t, ca) - mean_a, db = b.at(t, cb) - mean_b;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

ConfoundTable cosine_drift(int64_t frames, double tr_seconds, double high_pass_hz) {
  if (frames < 2) throw std::invalid_argument("cosine drift: needs at least 2 frames");
  if (!(tr_seconds > 0.0)) throw std::invalid_argument("cosine drift: TR must be positive");
  if (!(high_pass_hz > 0.0)) throw std::invalid_argument("cosine drift: cut-off must be positive");

  // Same operations in the same order as nilearn, so that the floor lands on
  // the same integer when 2 T f TR is (nearly) a whole number.
  const double n = static_cast<double>(frames);
  const double dt = ((n - 1.0) * tr_seconds - 0.0) / (n - 1.0);
  const double wanted = std::floor(static_cast<double>(2 * frames) * high_pass_hz * dt);
  const int64_t order = std::min(frames - 1, static_cast<int64_t>(wanted));

  ConfoundTable drift;
  drift.source = "cosine drift";
  drift.frames = frames;
  for (int64_t k = 1; k <= order; ++k)
    drift.names.push_back("drift_" + std::to_string(k));
  drift.values.assign(static_cast<size_t>(frames * order), 0.0);
  const double normalizer = std::sqrt(2.0 / n);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t k = 1; k <= order; ++k) {
      const double angle =
          (std::numbers::pi / n) * (static_cast<double>(t) + 0.5) * static_cast<double>(k);
      drift.values[static_cast<size_t>(t * order + k - 1)] = normalizer * std::cos(angle);
    }
  }
  return drift;
}

ConfoundTable append_cosine_drift(const ConfoundTable* confounds, int64_t frames, double tr_seconds,
                                  double high_pass_hz) {
  ConfoundTable drift = cosine_drift(frames, tr_seconds, high_pass_hz);
  if (confounds == nullptr) return drift;
  if (confounds->frames != frames) {
    const std::string where = confounds->source.empty() ? "confounds" : confounds->source;
    throw std::invalid_argument(where + ": " + std::to_string(confounds->frames) +
                                " confound rows for " + std::to_string(frames) + " frames");
  }
  if (drift.columns() == 0) return *confounds;
  for (int64_t k = 0; k < drift.columns(); ++k) {
    for (int64_t c = 0; c < confounds->columns(); ++c) {
      if (correlation(drift, k, *confounds, c) > 0.9) return *confounds;
    }
  }
  ConfoundTable both;
  both.source = confounds->source;
  both.frames = frames;
  both.names = confounds->names;
  both.names.insert(both.names.end(), drift.names.begin(), drift.names.end());
  both.values.reserve(static_cast<size_t>(frames * both.columns()));
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < confounds->columns(); ++c)
      both.values.push_back(confounds->at(t, c));
    for (int64_t k = 0; k < drift.columns(); ++k)
      both.values.push_back(drift.at(t, k));
  }
  return both;
}

}  // namespace neuro
