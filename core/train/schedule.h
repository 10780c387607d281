#pragma once
// Learning-rate schedules: linear warm-up to the peak, then a decay to a floor.
//
// Steps count from 0 (the first optimiser update). Warm-up reaches the peak
// on its last step, lr(s) = peak * (s + 1) / warmup_steps for s < warmup_steps,
// so that no update is wasted at lr 0. The decay then runs over
// p = (s - warmup_steps) / (total_steps - warmup_steps) in [0, 1) and reaches
// the floor at s = total_steps, where it stays.

#include <cstdint>

namespace core {

struct LrScheduleOptions {
  enum class Decay { kCosine, kLinear, kConstant };
  double peak_lr = 1e-3;
  double min_lr = 0.0;  // the floor, <= peak_lr
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;  // > warmup_steps
  Decay decay = Decay::kCosine;
};

class LrSchedule {
 public:
  // Throws std::invalid_argument naming the field that is out of range.
  explicit LrSchedule(const LrScheduleOptions& options);

  // lr(s) = min + (peak - min) * f(p), with f = (1 + cos(pi p)) / 2 for
  // kCosine, 1 - p for kLinear and 1 for kConstant.
  double at(int64_t step) const;
  const LrScheduleOptions& options() const { return options_; }

 private:
  LrScheduleOptions options_;
};

}  // namespace core
