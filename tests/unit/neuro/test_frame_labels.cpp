// The HRF rule of frame labels against an independent reference: the
// response of each state computed here by integrating SPM's closed-form
// double-gamma over the events' boxes on a 1 ms grid (not through the
// sampled kernel the code uses), with frames close to a threshold left out of
// the comparison.

#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events_table.h"
#include "neuro/bids/frame_labels.h"
#include "neuro/bids/state_names.h"
#include "neuro/sim/hrf.h"

namespace neuro {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int U = kUnlabelled;

EventsTable table_of(std::vector<Event> events) {
  return neuroseq_test::events_table(std::move(events));
}

// The response to `events` of type `state` at time t (s): the convolution of
// their boxes (impulses: area 1 s) with the continuous double-gamma, divided
// by its integral so that a sustained box settles at 1.
double reference_response(const std::vector<Event>& events, const std::string& state, double t) {
  constexpr double dt = 1e-3;
  const double area = 1.0 - 1.0 / 6.0;
  double sum = 0;
  for (const auto& e : events) {
    if (e.trial_type != state) continue;
    if (e.duration == 0) {
      sum += double_gamma_hrf(t - e.onset) / area;
      continue;
    }
    for (double tau = e.onset + dt / 2; tau < e.onset + e.duration; tau += dt)
      sum += double_gamma_hrf(t - tau) * dt / area;
  }
  return sum;
}

// Frames whose reference values are clearly on one side of both thresholds
// must carry the reference label; the others are not judged.
void expect_labels_follow_reference(const std::vector<Event>& events,
                                    const std::vector<std::string>& states, int64_t frames,
                                    double tr, int* judged_out = nullptr) {
  LabelOptions options;
  const auto labels = labels_per_tr(table_of(events), frames, tr, options);
  std::vector<std::vector<double>> r(states.size());
  std::vector<double> peak(states.size(), 0);
  for (size_t s = 0; s < states.size(); ++s) {
    for (int64_t t = 0; t < frames; ++t) {
      r[s].push_back(reference_response(events, states[s], static_cast<double>(t) * tr));
      peak[s] = std::max(peak[s], r[s].back());
    }
  }
  int judged = 0;
  for (int64_t t = 0; t < frames; ++t) {
    const auto i = static_cast<size_t>(t);
    size_t best = 0;
    for (size_t s = 1; s < states.size(); ++s)
      if (r[s][i] > r[best][i]) best = s;
    double second = 0;
    for (size_t s = 0; s < states.size(); ++s)
      if (s != best) second = std::max(second, r[s][i]);
    const double fraction = r[best][i] / peak[best];
    const double ratio = second > 0 ? r[best][i] / second : 1e9;
    const bool clear_in = fraction > 0.55 && ratio > 2.2;
    const bool clear_out = fraction < 0.45 || ratio < 1.8;
    if (!clear_in && !clear_out) continue;
    ++judged;
    EXPECT_EQ(labels.frames[i], clear_in ? static_cast<int>(best) : U)
        << "frame " << t << ": fraction " << fraction << ", ratio " << ratio;
  }
  if (judged_out) *judged_out = judged;
}

TEST(HrfLabels, ABlockIsLabelledWhereItsResponseIsHalfItsPeak) {
  int judged = 0;
  expect_labels_follow_reference({{10, 20, "task", 0}}, {"task"}, 50, 1.0, &judged);
  EXPECT_GT(judged, 45);
}

TEST(HrfLabels, TwoStatesShareFramesOnlyWhereOneDominates) {
  int judged = 0;
  expect_labels_follow_reference(
      {{4, 12, "left", 0}, {16, 12, "right", 0}, {36, 12, "left", 0}, {60, 2, "right", 0}},
      {"left", "right"}, 45, 2.0, &judged);
  EXPECT_GT(judged, 35);
}

TEST(HrfLabels, ShortPicturesInABlockLabelOneContiguousStretch) {
  // The object-viewing design: 0.5 s pictures every 2 s for 24 s, TR 2.5 s.
  // The lag rule labels almost nothing; the HRF rule labels the block.
  std::vector<Event> events;
  for (int k = 0; k < 12; ++k)
    events.push_back({12.0 + 2.0 * k, 0.5, "faces", 0});
  for (int k = 0; k < 12; ++k)
    events.push_back({60.0 + 2.0 * k, 0.5, "houses", 0});
  expect_labels_follow_reference(events, {"faces", "houses"}, 48, 2.5);
  const auto labels = labels_per_tr(table_of(events), 48, 2.5);
  const auto counts = labels.counts();
  EXPECT_GE(counts[0], 8);  // 24 s / 2.5 s = 9.6 frames of block
  EXPECT_GE(counts[1], 8);
  // One stretch per block: labels change state at most 4 times.
  int changes = 0;
  for (size_t t = 1; t < labels.frames.size(); ++t)
    changes += labels.frames[t] != labels.frames[t - 1];
  EXPECT_EQ(changes, 4);
  LabelOptions lag;
  lag.rule = LabelRule::kLag;
  lag.merge_gap_seconds = 0;
  EXPECT_LE(labels_per_tr(table_of(events), 48, 2.5, lag).counts()[0], 3);
}

TEST(HrfLabels, ImpulsesAndOneSecondTrialsLabelTheFramesOfTheirResponse) {
  int judged = 0;
  expect_labels_follow_reference(
      {{5, 0, "a", 0}, {20, 1, "b", 0}, {35, 0, "a", 0}, {50, 1, "b", 0}}, {"a", "b"}, 35, 2.0,
      &judged);
  EXPECT_GT(judged, 25);
  const auto labels = labels_per_tr(table_of({{5, 0, "a", 0}, {20, 1, "b", 0}}), 20, 2.0);
  EXPECT_GE(labels.counts()[0], 2);
  EXPECT_GE(labels.counts()[1], 2);
}

TEST(HrfLabels, NegativeOnsetsShapeTheFirstFramesAsIfTheRunStartedEarlier) {
  // The same design seen from 10 s (5 frames) later: labels agree frame for frame.
  const std::vector<Event> whole = {{2, 6, "a", 0}, {14, 6, "b", 0}, {30, 6, "a", 0}};
  std::vector<Event> cut;
  for (auto e : whole) {
    e.onset -= 10;
    cut.push_back(e);
  }
  const auto full = labels_per_tr(table_of(whole), 30, 2.0);
  const auto late = labels_per_tr(table_of(cut), 25, 2.0);
  ASSERT_EQ(late.frames.size(), 25u);
  for (size_t t = 0; t < 25; ++t)
    EXPECT_EQ(late.frames[t], full.frames[t + 5]) << "frame " << t;
  EXPECT_NE(late.frames[0], U);  // the response to the event at -8 s
}

TEST(LagLabels, EventsOfOneStateCloseInTimeFormOneBlock) {
  std::vector<Event> events;
  for (int k = 0; k < 6; ++k)
    events.push_back({2.0 * k, 0.5, "faces", 0});
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  options.merge_gap_seconds = 0;
  EXPECT_EQ(labels_per_tr(table_of(events), 12, 1.0, options).counts()[0], 6);
  options.merge_gap_seconds = 2.0;
  const auto merged = labels_per_tr(table_of(events), 12, 1.0, options);
  EXPECT_EQ(merged.frames, (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, U}));
  // Another state in between keeps the blocks apart.
  events.push_back({4.6, 0.2, "other", 0});
  const auto split = labels_per_tr(table_of(events), 12, 1.0, options);
  EXPECT_EQ(split.frames[4], 0);
  EXPECT_EQ(split.frames[5], U);
}

TEST(HrfLabels, RejectsBadOptions) {
  LabelOptions bad;
  bad.dominance = 0.5;
  EXPECT_THROW(labels_per_tr(table_of({{0, 1, "a", 0}}), 4, 1.0, bad), std::invalid_argument);
  bad = {};
  bad.min_peak_fraction = 0;
  EXPECT_THROW(labels_per_tr(table_of({{0, 1, "a", 0}}), 4, 1.0, bad), std::invalid_argument);
}

TEST(StateNames, FileLabelsAreCamelCaseLettersAndDigits) {
  EXPECT_EQ(to_bids_label("failed stop"), "failedStop");
  EXPECT_EQ(to_bids_label("cash_demean"), "cashDemean");
  EXPECT_EQ(to_bids_label("English-English-Abstract-Novel"), "EnglishEnglishAbstractNovel");
  EXPECT_EQ(to_bids_label("  go/no-go: 2 "), "goNoGo2");
  EXPECT_THROW(to_bids_label("__"), std::invalid_argument);
  EXPECT_THAT(state_file_labels({"a b", "a_b", "aB", "--", "x"}),
              ElementsAre("aB", "aB2", "aB3", "state4", "x"));
}

TEST(StateNames, SpecsChooseAndMergeTrialTypesByNameOrGlob) {
  const std::vector<std::string> types = {"face_fearful", "face_neutral", "house", "junk", "cue"};
  const auto all = map_states(types, {});
  EXPECT_THAT(all.states, ElementsAre("cue", "face_fearful", "face_neutral", "house", "junk"));
  const auto chosen = map_states(types, {"face*", "house"});
  EXPECT_THAT(chosen.states, ElementsAre("face_fearful", "face_neutral", "house"));
  EXPECT_THAT(chosen.left_out, ElementsAre("cue", "junk"));
  const auto merged = map_states(types, {"faces=face*", "house"});
  EXPECT_THAT(merged.states, ElementsAre("faces", "house"));
  EXPECT_EQ(merged.state_of.at("face_neutral"), "faces");
  const auto renamed = apply_state_map(
      table_of({{0, 1, "face_fearful", 2}, {2, 1, "junk", 3}, {4, 1, "house", 4}}), merged);
  ASSERT_EQ(renamed.events.size(), 2u);
  EXPECT_EQ(renamed.events[0].trial_type, "faces");
  EXPECT_EQ(renamed.events[0].line, 2);
  EXPECT_EQ(renamed.events[1].trial_type, "house");
  try {
    map_states(types, {"tool*"});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("--state 'tool*' matches no trial type (present: 'cue'"));
  }
  EXPECT_THROW(map_states(types, {"=face*"}), std::invalid_argument);
}

}  // namespace
}  // namespace neuro
