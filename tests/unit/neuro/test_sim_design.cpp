#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/random/philox.h"
#include "neuro/sim/hrf.h"
#include "neuro/sim/task_design.h"

namespace {

const std::vector<std::string> kStates = {"motor", "visual", "language", "auditory"};

std::map<std::string, int> counts(const std::vector<neuro::Event>& events) {
  std::map<std::string, int> n;
  for (const auto& e : events) {
    ++n[e.trial_type];
  }
  return n;
}

}  // namespace

TEST(SimDesign, BlockDesignHoldsEachStateForABlockWithRestBetween) {
  core::RandomStream random(3, 1);
  const neuro::DesignTiming timing;
  const auto events =
      neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kBlock, random, timing);
  ASSERT_GE(events.size(), 8u);
  EXPECT_DOUBLE_EQ(events.front().onset, timing.lead_in_seconds);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_DOUBLE_EQ(events[i].duration, timing.block_seconds);
    EXPECT_LE(events[i].onset + events[i].duration, 300.0 - timing.tail_seconds + 1e-9);
    if (i == 0) continue;
    const double rest = events[i].onset - (events[i - 1].onset + events[i - 1].duration);
    // Pauses are drawn in [min, max] and rounded to half seconds.
    EXPECT_GE(rest, timing.rest_min_seconds - 0.25);
    EXPECT_LE(rest, timing.rest_max_seconds + 0.25);
    EXPECT_DOUBLE_EQ(rest * 2, std::round(rest * 2));
  }
  // Each round shows every state once, so counts differ by at most one and
  // the first round holds all four.
  const auto n = counts(events);
  ASSERT_EQ(n.size(), kStates.size());
  const auto [lo, hi] =
      std::minmax_element(n.begin(), n.end(), [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_LE(hi->second - lo->second, 1);
  std::vector<std::string> first_round;
  for (size_t i = 0; i < kStates.size(); ++i) {
    first_round.push_back(events[i].trial_type);
  }
  std::sort(first_round.begin(), first_round.end());
  auto sorted_states = kStates;
  std::sort(sorted_states.begin(), sorted_states.end());
  EXPECT_EQ(first_round, sorted_states);
}

TEST(SimDesign, EventDesignUsesShortJitteredTrials) {
  core::RandomStream random(3, 2);
  const neuro::DesignTiming timing;
  const auto events =
      neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kEvent, random, timing);
  ASSERT_GE(events.size(), 30u);
  std::vector<double> gaps;
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_DOUBLE_EQ(events[i].duration, timing.event_seconds);
    gaps.push_back(events[i].onset - events[i - 1].onset - events[i - 1].duration);
  }
  const auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
  EXPECT_GE(*lo, timing.gap_min_seconds - 0.25);
  EXPECT_LE(*hi, timing.gap_max_seconds + 0.25);
  EXPECT_GT(*hi - *lo, 2.0);  // jittered, not periodic
  const auto n = counts(events);
  EXPECT_EQ(n.size(), kStates.size());
}

TEST(SimDesign, SameStreamSameDesignOtherStreamOther) {
  core::RandomStream a(9, 4), b(9, 4), c(9, 5);
  const auto da = neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kBlock, a);
  const auto db = neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kBlock, b);
  const auto dc = neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kBlock, c);
  ASSERT_EQ(da.size(), db.size());
  for (size_t i = 0; i < da.size(); ++i) {
    EXPECT_EQ(da[i].onset, db[i].onset);
    EXPECT_EQ(da[i].trial_type, db[i].trial_type);
  }
  bool differs = da.size() != dc.size();
  for (size_t i = 0; !differs && i < da.size(); ++i) {
    differs = da[i].onset != dc[i].onset || da[i].trial_type != dc[i].trial_type;
  }
  EXPECT_TRUE(differs);
}

TEST(SimDesign, TooShortRunsAreRejected) {
  const neuro::DesignTiming timing;
  // Lead-in, four 16 s blocks, three rests of at most 14 s, tail.
  const double block = timing.lead_in_seconds + 4 * 16.0 + 3 * 14.0 + timing.tail_seconds;
  EXPECT_DOUBLE_EQ(neuro::minimum_run_seconds(4, neuro::DesignKind::kBlock, timing), block);
  const double event = timing.lead_in_seconds + 4 * 2.0 + 3 * 6.0 + timing.tail_seconds;
  EXPECT_DOUBLE_EQ(neuro::minimum_run_seconds(4, neuro::DesignKind::kEvent, timing), event);
  EXPECT_DOUBLE_EQ(neuro::minimum_run_seconds(4, neuro::DesignKind::kMixed, timing), block);

  core::RandomStream random(1, 1);
  const auto frames = static_cast<int64_t>(std::ceil(block / 2.0));
  EXPECT_NO_THROW(neuro::make_task_design(kStates, frames, 2.0, neuro::DesignKind::kBlock, random));
  try {
    neuro::make_task_design(kStates, frames - 1, 2.0, neuro::DesignKind::kBlock, random);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("frames: ", 0), 0u) << e.what();
  }
  // Even the shortest run that is long enough shows every state.
  core::RandomStream again(1, 2);
  const auto events =
      neuro::make_task_design(kStates, frames, 2.0, neuro::DesignKind::kBlock, again);
  EXPECT_EQ(counts(events).size(), kStates.size());
}

TEST(SimDesign, MixedAlternatesBetweenRuns) {
  using neuro::DesignKind;
  EXPECT_EQ(neuro::design_for_run(DesignKind::kMixed, 1), DesignKind::kBlock);
  EXPECT_EQ(neuro::design_for_run(DesignKind::kMixed, 2), DesignKind::kEvent);
  EXPECT_EQ(neuro::design_for_run(DesignKind::kMixed, 3), DesignKind::kBlock);
  EXPECT_EQ(neuro::design_for_run(DesignKind::kEvent, 1), DesignKind::kEvent);
  core::RandomStream random(1, 1);
  EXPECT_THROW(neuro::make_task_design(kStates, 150, 2.0, DesignKind::kMixed, random),
               std::invalid_argument);
}

TEST(SimDesign, NamesParseBothWays) {
  for (auto kind :
       {neuro::DesignKind::kBlock, neuro::DesignKind::kEvent, neuro::DesignKind::kMixed}) {
    EXPECT_EQ(neuro::parse_design_kind(neuro::design_kind_name(kind)), kind);
  }
  EXPECT_THROW(neuro::parse_design_kind("blocked"), std::invalid_argument);
}

TEST(SimDesign, StimuliOfAStateFeedTheHrf) {
  core::RandomStream random(5, 5);
  const auto events = neuro::make_task_design(kStates, 150, 2.0, neuro::DesignKind::kBlock, random);
  const auto motor = neuro::stimuli_of_state(events, "motor");
  EXPECT_EQ(static_cast<int>(motor.size()), counts(events)["motor"]);
  for (const auto& s : motor) {
    EXPECT_EQ(s.amplitude, 1.0);
  }
  // The regressor rises after each motor block and is near zero before the first.
  const auto r = neuro::hrf_regressor(motor, 150, 2.0);
  const auto first = static_cast<size_t>(motor.front().onset / 2.0);
  EXPECT_LT(std::abs(r[first]), 1e-3);
  EXPECT_GT(r[first + 8], 0.8);
}
