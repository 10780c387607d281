#include <gtest/gtest.h>

#include <cmath>

#include "core/train/schedule.h"
#include "error_of.h"

namespace {
core::LrScheduleOptions options(core::LrScheduleOptions::Decay decay) {
  core::LrScheduleOptions o;
  o.peak_lr = 1e-3;
  o.min_lr = 1e-5;
  o.warmup_steps = 10;
  o.total_steps = 110;
  o.decay = decay;
  return o;
}
}  // namespace

TEST(LrSchedule, WarmsUpLinearlyToThePeakOnItsLastStep) {
  const core::LrSchedule s(options(core::LrScheduleOptions::Decay::kCosine));
  EXPECT_DOUBLE_EQ(s.at(0), 1e-4);
  EXPECT_DOUBLE_EQ(s.at(4), 5e-4);
  EXPECT_DOUBLE_EQ(s.at(9), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(10), 1e-3);  // the decay starts at the peak
}

TEST(LrSchedule, CosineDecayPassesTheMidpointAndEndsAtTheFloor) {
  const core::LrSchedule s(options(core::LrScheduleOptions::Decay::kCosine));
  EXPECT_DOUBLE_EQ(s.at(60), (1e-3 + 1e-5) / 2);
  // p = 1/4: (1 + cos(pi/4)) / 2 of the way above the floor.
  EXPECT_NEAR(s.at(35), 1e-5 + (1e-3 - 1e-5) * (1 + std::sqrt(0.5)) / 2, 1e-18);
  EXPECT_DOUBLE_EQ(s.at(110), 1e-5);
  EXPECT_DOUBLE_EQ(s.at(100000), 1e-5);
  for (int64_t step = 10; step < 110; ++step)
    EXPECT_GT(s.at(step), s.at(step + 1));
}

TEST(LrSchedule, LinearDecayIsAStraightLineToTheFloor) {
  const core::LrSchedule s(options(core::LrScheduleOptions::Decay::kLinear));
  EXPECT_DOUBLE_EQ(s.at(35), 1e-5 + (1e-3 - 1e-5) * 0.75);
  EXPECT_DOUBLE_EQ(s.at(85), 1e-5 + (1e-3 - 1e-5) * 0.25);
  EXPECT_DOUBLE_EQ(s.at(110), 1e-5);
}

TEST(LrSchedule, ConstantStaysAtThePeakAndNoWarmupStartsThere) {
  auto o = options(core::LrScheduleOptions::Decay::kConstant);
  o.warmup_steps = 0;
  const core::LrSchedule s(o);
  EXPECT_DOUBLE_EQ(s.at(0), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(500), 1e-3);
}

TEST(LrSchedule, RejectsInconsistentOptions) {
  using neuroseq_test::error_of;
  auto o = options(core::LrScheduleOptions::Decay::kCosine);
  o.total_steps = 10;
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::LrSchedule{o};
            }).find("total_steps: expected more than warmup_steps (10)"),
            std::string::npos);
  o = options(core::LrScheduleOptions::Decay::kCosine);
  o.min_lr = 2e-3;
  EXPECT_NE(error_of<std::invalid_argument>([&] { core::LrSchedule{o}; }).find("min_lr"),
            std::string::npos);
  EXPECT_THROW(core::LrSchedule(options(core::LrScheduleOptions::Decay::kLinear)).at(-1),
               std::invalid_argument);
}
