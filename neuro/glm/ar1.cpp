#include "neuro/glm/ar1.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace neuro {

std::vector<double> estimate_ar1(std::span<const double> residuals, int64_t frames,
                                 int64_t columns) {
  if (frames < 0 || columns < 0 || residuals.size() != static_cast<size_t>(frames * columns)) {
    throw std::invalid_argument("estimate_ar1: residuals hold " + std::to_string(residuals.size()) +
                                " values, expected " + std::to_string(frames) + " x " +
                                std::to_string(columns));
  }
  const auto v = static_cast<size_t>(columns);
  std::vector<double> lagged(v, 0.0), power(v, 0.0);  // [V]
  for (int64_t t = 0; t < frames; ++t) {
    const double* row = residuals.data() + t * columns;
    for (size_t c = 0; c < v; ++c)
      power[c] += row[c] * row[c];
    if (t == 0) continue;
    const double* previous = row - columns;
    for (size_t c = 0; c < v; ++c)
      lagged[c] += row[c] * previous[c];
  }
  std::vector<double> rho(v, 0.0);
  for (size_t c = 0; c < v; ++c)
    rho[c] = power[c] > 0.0 ? lagged[c] / power[c] : 0.0;
  return rho;
}

double bin_ar1(double rho, int bins) {
  if (std::isnan(rho)) return 0.0;
  double binned = rho;
  if (bins > 0) binned = std::trunc(rho * bins) / bins;
  return std::clamp(binned, -kMaxAr1, kMaxAr1);
}

void whiten_ar1(double* y, int64_t frames, int64_t m, double rho) {
  if (!(std::fabs(rho) < 1.0)) {
    throw std::invalid_argument("whiten_ar1: |rho| must be below 1, got " + std::to_string(rho));
  }
  if (frames <= 0 || m <= 0) return;
  // Backwards, so that row t - 1 still holds the raw value when row t uses it.
  for (int64_t t = frames - 1; t >= 1; --t) {
    double* row = y + t * m;
    const double* previous = row - m;
    for (int64_t c = 0; c < m; ++c)
      row[c] -= rho * previous[c];
  }
  const double scale = std::sqrt(1.0 - rho * rho);
  for (int64_t c = 0; c < m; ++c)
    y[c] *= scale;
}

}  // namespace neuro
