// The GLM over runs that do not all hold every state: a state absent from a
// run, or whose regressor cannot be estimated there, leaves only that run's
// contrast out, and the subject's map combines the runs that have it. The
// expectation is built here from the first-level fits of the runs alone.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "app/jobs/glm_job.h"
#include "core/random/philox.h"
#include "neuro/glm/first_level.h"
#include "neuro/glm/fixed_effects.h"

namespace {

using ::testing::HasSubstr;

constexpr int64_t kFrames = 120;
constexpr int64_t kParcels = 3;
constexpr double kTr = 2.0;

neuro::EventsTable events_of(std::vector<neuro::Event> events) {
  neuro::EventsTable table;
  table.events = std::move(events);
  return table;
}

// A run whose parcels respond to the events (parcel p to state p) with noise.
jobs::RunSeries run_of(const neuro::BoldRun* bold, const neuro::EventsTable& events,
                       uint64_t seed) {
  jobs::RunSeries r;
  r.run = bold;
  r.events = events;
  r.series = neuro::ParcelSeries(kFrames, kParcels, kTr);
  const std::vector<std::string> states{"a", "b", "c"};
  const auto regressors = neuro::state_regressors(events, states, kFrames, kTr);
  core::RandomStream noise(seed, 1);
  for (int64_t t = 0; t < kFrames; ++t)
    for (int64_t p = 0; p < kParcels; ++p)
      r.series.at(t, p) = static_cast<float>(
          2.0 * regressors[static_cast<size_t>(p)][static_cast<size_t>(t)] + noise.normal());
  return r;
}

neuro::FirstLevelResult fit_alone(const jobs::RunSeries& r, std::vector<std::string> states) {
  neuro::FirstLevelOptions options;
  options.design.states = std::move(states);
  options.design.high_pass_hz = 0;
  options.fit.noise_model = neuro::NoiseModel::ols;
  return neuro::fit_first_level(r.series, r.events, options);
}

TEST(ParcelGlm, AStateMissingFromARunLeavesOnlyThatRunsContrastOut) {
  std::vector<neuro::BoldRun> bold(4);
  bold[0].subject = bold[1].subject = "01";
  bold[2].subject = bold[3].subject = "02";
  for (auto& b : bold)
    b.bold = "/data/sub-" + b.subject + "_bold.nii.gz";
  const auto all_three = events_of({{10, 15, "a", 0},
                                    {60, 15, "b", 0},
                                    {110, 15, "c", 0},
                                    {160, 15, "a", 0},
                                    {200, 15, "c", 0}});
  const auto no_c =
      events_of({{10, 15, "a", 0}, {60, 15, "b", 0}, {110, 15, "a", 0}, {160, 15, "b", 0}});
  // 'b' has one event at the last frame: its column is zero in this run.
  const auto late_b = events_of(
      {{10, 15, "a", 0}, {60, 15, "c", 0}, {110, 15, "a", 0}, {160, 15, "c", 0}, {238, 2, "b", 0}});
  std::vector<jobs::RunSeries> runs{run_of(&bold[0], all_three, 1), run_of(&bold[1], no_c, 2),
                                    run_of(&bold[2], all_three, 3), run_of(&bold[3], late_b, 4)};
  std::vector<std::string> notes;
  const auto glm = jobs::parcel_glm(runs, {"a", "b", "c"}, neuro::NoiseModel::ols, &notes);
  ASSERT_EQ(glm.subjects.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("no event of 'c' in this run"));
  EXPECT_THAT(notes[1], HasSubstr("the regressor of 'b' cannot be estimated"));

  const auto r0 = fit_alone(runs[0], {"a", "b", "c"});
  const auto r1 = fit_alone(runs[1], {"a", "b"});
  const auto r2 = fit_alone(runs[2], {"a", "b", "c"});
  const auto r3 = fit_alone(runs[3], {"a", "c"});
  const auto expect_z = [&](size_t subject, size_t state, const neuro::ContrastResult& want) {
    for (int64_t p = 0; p < kParcels; ++p)
      EXPECT_NEAR(glm.subject_z[subject][state * kParcels + static_cast<size_t>(p)],
                  want.z[static_cast<size_t>(p)], 1e-9)
          << "subject " << subject << " state " << state << " parcel " << p;
  };
  // Subject 01: a and b from both runs, c from the first alone.
  const std::vector<neuro::ContrastResult> a01{r0.contrasts[0], r1.contrasts[0]};
  const std::vector<neuro::ContrastResult> b01{r0.contrasts[1], r1.contrasts[1]};
  expect_z(0, 0, neuro::fixed_effects(a01));
  expect_z(0, 1, neuro::fixed_effects(b01));
  expect_z(0, 2, r0.contrasts[2]);
  // Subject 02: b from its first run alone; a and c from both.
  const std::vector<neuro::ContrastResult> a02{r2.contrasts[0], r3.contrasts[0]};
  const std::vector<neuro::ContrastResult> c02{r2.contrasts[2], r3.contrasts[1]};
  expect_z(1, 0, neuro::fixed_effects(a02));
  expect_z(1, 1, r2.contrasts[1]);
  expect_z(1, 2, neuro::fixed_effects(c02));
  // The state each parcel answers to stands out at the group level too.
  for (size_t s = 0; s < 3; ++s)
    EXPECT_GT(glm.group_z[s * kParcels + s], 1.0) << "state " << s;
}

}  // namespace
