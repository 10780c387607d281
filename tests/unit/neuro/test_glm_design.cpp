// The first-level design matrix: HRF regressors, drift, constant, confounds.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "neuro/glm/design_matrix.h"
#include "neuro/sim/hrf.h"

namespace {

neuro::EventsTable events_of(std::vector<neuro::Event> events) {
  neuro::EventsTable table;
  table.events = std::move(events);
  return table;
}

TEST(GlmDesign, SingleEventRegressorIsTheHrfAtFrameTimes) {
  // An impulse at 0 s: convolving it with the kernel on the fine grid
  // (TR / 16) and reading at frame times t * TR must give the HRF itself at
  // t * TR, scaled by the kernel's normalisation (its sum times the step).
  const double tr = 2.0;
  const int bins = 16;
  const double dt = tr / bins;
  neuro::DesignOptions options;
  options.high_pass_hz = 0;  // no drift
  options.add_constant = false;
  const auto design = neuro::make_design_matrix(events_of({{0.0, 0.0, "go", 0}}), 40, tr, options);
  ASSERT_EQ(design.columns(), 1);
  double sum = 0;
  for (int k = 0; k * dt <= 32.0 + 1e-9; ++k)
    sum += neuro::double_gamma_hrf(k * dt);
  for (int64_t t = 0; t < 40; ++t) {
    const double expected = t * tr <= 32.0 ? neuro::double_gamma_hrf(t * tr) / (sum * dt) : 0.0;
    EXPECT_NEAR(design.at(t, 0), expected, 1e-12) << "frame " << t;
    // The normalisation is the area of the HRF (1 - 1/6) up to the grid.
    EXPECT_NEAR(design.at(t, 0), neuro::double_gamma_hrf(t * tr) / (5.0 / 6.0), 2e-3);
  }
  // The same event 6 s later is the same response 3 frames later.
  const auto later = neuro::make_design_matrix(events_of({{6.0, 0.0, "go", 0}}), 40, tr, options);
  for (int64_t t = 3; t < 40; ++t)
    EXPECT_NEAR(later.at(t, 0), design.at(t - 3, 0), 1e-12);
}

TEST(GlmDesign, ColumnsAreStatesConfoundsDriftConstant) {
  // 150 frames of 2 s with SPM's 128 s cut-off: floor(2 * 150 * 2 / 128) = 4
  // cosines.
  neuro::ConfoundTable confounds;
  confounds.names = {"trans_x"};
  confounds.frames = 150;
  confounds.values.assign(150, 0.5);
  confounds.values[0] = std::nan("");  // filled with the mean of the others
  neuro::DesignOptions options;
  options.states = {"rest", "faces"};
  const auto events = events_of({{0, 20, "faces", 2}, {40, 20, "rest", 3}, {80, 10, "houses", 4}});
  const auto design = neuro::make_design_matrix(events, 150, 2.0, options, &confounds);
  const std::vector<std::string> names = {"rest",    "faces",   "trans_x", "drift_1",
                                          "drift_2", "drift_3", "drift_4", "constant"};
  EXPECT_EQ(design.names, names);
  EXPECT_EQ(design.states, options.states);
  EXPECT_EQ(design.column_of("trans_x"), 2);
  EXPECT_DOUBLE_EQ(design.at(0, 2), 0.5);
  EXPECT_DOUBLE_EQ(design.at(77, 7), 1.0);
  // drift_1 = sqrt(2 / T) cos(pi / T (t + 0.5)).
  EXPECT_NEAR(design.at(10, 3), std::sqrt(2.0 / 150) * std::cos(std::numbers::pi / 150 * 10.5),
              1e-15);
  // A sustained 20 s block approaches 1 near its end; houses is noted.
  EXPECT_GT(design.at(10, 1), 0.9);
  EXPECT_EQ(design.at(0, 0), 0.0);
  ASSERT_EQ(design.notes.size(), 1u);
  EXPECT_NE(design.notes[0].find("houses"), std::string::npos);
}

TEST(GlmDesign, SortedTrialTypesByDefaultAndZeroColumnForAnAbsentState) {
  const auto events = events_of({{0, 10, "b", 0}, {30, 10, "a", 0}});
  const auto design = neuro::make_design_matrix(events, 60, 1.5);
  EXPECT_EQ(design.states, (std::vector<std::string>{"a", "b"}));
  neuro::DesignOptions options;
  options.states = {"a", "b", "c"};
  const auto with_c = neuro::make_design_matrix(events, 60, 1.5, options);
  for (int64_t t = 0; t < 60; ++t)
    EXPECT_EQ(with_c.at(t, 2), 0.0);
  ASSERT_EQ(with_c.notes.size(), 1u);
  EXPECT_NE(with_c.notes[0].find("'c'"), std::string::npos);
}

TEST(GlmDesign, EventsPastTheRunAreLeftOutAndNegativeOnsetsAreModelled) {
  // An event at 100 s in a run of 50 frames x 2 s: left out with a note.
  const auto late =
      neuro::make_design_matrix(events_of({{0, 10, "a", 0}, {100, 1, "a", 7}}), 50, 2.0);
  ASSERT_EQ(late.notes.size(), 1u);
  EXPECT_NE(late.notes[0].find("1 event(s) start at or past the end"), std::string::npos);
  // A block from -6 s to 4 s: frame 0 sees its rising response, as the same
  // block 10 s later is seen by frame 5 of a run that starts 10 s earlier.
  const auto early = neuro::make_design_matrix(events_of({{-6, 10, "a", 0}}), 20, 2.0);
  const auto shifted = neuro::make_design_matrix(events_of({{4, 10, "a", 0}}), 25, 2.0);
  const auto a = early.column_of("a");
  for (int64_t t = 0; t < 20; ++t)
    EXPECT_NEAR(early.at(t, a), shifted.at(t + 5, a), 1e-12) << "frame " << t;
  EXPECT_GT(early.at(1, a), 0.1);
}

TEST(GlmDesign, RejectsBadInput) {
  const auto events = events_of({{0, 10, "a", 0}});
  EXPECT_THROW(neuro::make_design_matrix(events, 1, 2.0), std::invalid_argument);
  EXPECT_THROW(neuro::make_design_matrix(events, 50, 0.0), std::invalid_argument);
  neuro::DesignOptions twice;
  twice.states = {"a", "a"};
  EXPECT_THROW(neuro::make_design_matrix(events, 50, 2.0, twice), std::invalid_argument);
  neuro::ConfoundTable short_table;
  short_table.names = {"x"};
  short_table.frames = 10;
  short_table.values.assign(10, 1.0);
  EXPECT_THROW(neuro::make_design_matrix(events, 50, 2.0, {}, &short_table), std::invalid_argument);
  neuro::ConfoundTable clash = short_table;
  clash.names = {"constant"};
  clash.frames = 50;
  clash.values.assign(50, 1.0);
  EXPECT_THROW(neuro::make_design_matrix(events, 50, 2.0, {}, &clash), std::invalid_argument);
  EXPECT_THROW(neuro::make_design_matrix(events, 50, 2.0).column_of("nope"), std::invalid_argument);
}

}  // namespace
