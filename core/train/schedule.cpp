#include "core/train/schedule.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace core {

LrSchedule::LrSchedule(const LrScheduleOptions& options) : options_(options) {
  if (!(options.peak_lr > 0) || !std::isfinite(options.peak_lr)) {
    throw std::invalid_argument("lr schedule: peak_lr: expected a finite value > 0");
  }
  if (!(options.min_lr >= 0 && options.min_lr <= options.peak_lr)) {
    throw std::invalid_argument("lr schedule: min_lr: expected a value in [0, peak_lr]");
  }
  if (options.warmup_steps < 0) {
    throw std::invalid_argument("lr schedule: warmup_steps: expected a value >= 0");
  }
  if (options.total_steps <= options.warmup_steps) {
    throw std::invalid_argument("lr schedule: total_steps: expected more than warmup_steps (" +
                                std::to_string(options.warmup_steps) + ")");
  }
}

double LrSchedule::at(int64_t step) const {
  if (step < 0) throw std::invalid_argument("lr schedule: negative step");
  const auto& o = options_;
  if (step < o.warmup_steps) {
    return o.peak_lr * static_cast<double>(step + 1) / static_cast<double>(o.warmup_steps);
  }
  if (o.decay == LrScheduleOptions::Decay::kConstant) return o.peak_lr;
  if (step >= o.total_steps) return o.min_lr;
  const double p = static_cast<double>(step - o.warmup_steps) /
                   static_cast<double>(o.total_steps - o.warmup_steps);
  const double f = o.decay == LrScheduleOptions::Decay::kCosine
                       ? 0.5 * (1.0 + std::cos(std::numbers::pi * p))
                       : 1.0 - p;
  return o.min_lr + (o.peak_lr - o.min_lr) * f;
}

}  // namespace core
