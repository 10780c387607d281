#include "neuro/signal/detrend.h"

#include <cmath>
#include <limits>
#include <vector>

namespace neuro {

namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

std::vector<double> column_means(const double* x, int64_t frames, int64_t columns) {
  std::vector<double> mean(static_cast<size_t>(columns), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < columns; ++c)
      mean[static_cast<size_t>(c)] += x[t * columns + c];
  }
  for (double& m : mean)
    m /= static_cast<double>(frames);
  return mean;
}

void subtract(double* x, int64_t frames, int64_t columns, const std::vector<double>& offset) {
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < columns; ++c)
      x[t * columns + c] -= offset[static_cast<size_t>(c)];
  }
}

}  // namespace

void demean(double* x, int64_t frames, int64_t columns) {
  if (frames < 1) return;
  subtract(x, frames, columns, column_means(x, frames, columns));
}

void detrend(double* x, int64_t frames, int64_t columns) {
  if (frames < 2) return;
  demean(x, frames, columns);
  // After centring, the line is the projection on the centred, unit-norm ramp.
  std::vector<double> ramp(static_cast<size_t>(frames));
  const double middle = static_cast<double>(frames - 1) / 2.0;
  double norm = 0.0;
  for (int64_t t = 0; t < frames; ++t) {
    const double r = static_cast<double>(t) - middle;
    ramp[static_cast<size_t>(t)] = r;
    norm += r * r;
  }
  norm = std::sqrt(norm);
  for (double& r : ramp)
    r /= norm;
  std::vector<double> slope(static_cast<size_t>(columns), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    const double r = ramp[static_cast<size_t>(t)];
    for (int64_t c = 0; c < columns; ++c)
      slope[static_cast<size_t>(c)] += r * x[t * columns + c];
  }
  for (int64_t t = 0; t < frames; ++t) {
    const double r = ramp[static_cast<size_t>(t)];
    for (int64_t c = 0; c < columns; ++c)
      x[t * columns + c] -= slope[static_cast<size_t>(c)] * r;
  }
}

void standardize(double* x, int64_t frames, int64_t columns, Standardize how) {
  if (how == Standardize::kNone || frames < 2) return;
  const std::vector<double> mean = column_means(x, frames, columns);
  subtract(x, frames, columns, mean);
  // Divided rather than multiplied by a reciprocal, to round as numpy does.
  std::vector<double> divisor(static_cast<size_t>(columns), 1.0);
  std::vector<double> factor(static_cast<size_t>(columns), 1.0);
  if (how == Standardize::kPercentSignalChange) {
    for (int64_t c = 0; c < columns; ++c) {
      const double m = std::abs(mean[static_cast<size_t>(c)]);
      divisor[static_cast<size_t>(c)] = m < kEpsilon ? 1.0 : m;
      factor[static_cast<size_t>(c)] = m < kEpsilon ? 0.0 : 100.0;
    }
  } else {
    std::vector<double> sum_squares(static_cast<size_t>(columns), 0.0);
    for (int64_t t = 0; t < frames; ++t) {
      for (int64_t c = 0; c < columns; ++c) {
        const double v = x[t * columns + c];
        sum_squares[static_cast<size_t>(c)] += v * v;
      }
    }
    const double dof = static_cast<double>(how == Standardize::kZScoreSample ? frames - 1 : frames);
    for (int64_t c = 0; c < columns; ++c) {
      const double deviation = std::sqrt(sum_squares[static_cast<size_t>(c)] / dof);
      divisor[static_cast<size_t>(c)] = deviation < kEpsilon ? 1.0 : deviation;
    }
  }
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t c = 0; c < columns; ++c) {
      const size_t i = static_cast<size_t>(c);
      x[t * columns + c] = x[t * columns + c] / divisor[i] * factor[i];
    }
  }
}

}  // namespace neuro
