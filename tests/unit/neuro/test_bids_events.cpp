#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bids_tree.h"
#include "error_of.h"
#include "events_table.h"
#include "neuro/bids/events.h"
#include "neuro/bids/frame_labels.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;
using neuroseq_test::error_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempTree;

constexpr int U = kUnlabelled;

EventsTable table_of(std::vector<Event> events) {
  return neuroseq_test::events_table(std::move(events));
}

// Three 10 s blocks, TR 2 s, lag 5 s. Frame t is labelled by the block holding
// 2t - 5: [10, 20) holds it for t = 8..12 (2*7.5 - 5 = 10), [30, 40) for
// t = 18..22, [50, 60) for t = 28..32.
TEST(LabelsPerTr, BlockDesignAtTr2WithLag5) {
  TempTree tree;
  const auto file = tree.write("sub-01_task-motor_events.tsv",
                               "trial_type\tonset\tduration\tresponse_time\n"
                               "left\t10\t10\t0.5\n"
                               "right\t30.0\t10\tn/a\n"
                               "left\t5e1\t10.0\t0.7\n");
  const auto events = read_events_tsv(file);
  ASSERT_EQ(events.events.size(), 3u);
  EXPECT_EQ(events.events[1].trial_type, "right");
  EXPECT_DOUBLE_EQ(events.events[2].onset, 50.0);
  EXPECT_EQ(events.events[2].line, 4);

  LabelOptions lag;
  lag.rule = LabelRule::kLag;
  const auto labels = labels_per_tr(events, 35, 2.0, lag);
  EXPECT_THAT(labels.states, ElementsAre("left", "right"));
  const std::vector<int> expected = {U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0, U, U, U, U, U,
                                     1, 1, 1, 1, 1, U, U, U, U, U, 0, 0, 0, 0, 0, U, U};
  EXPECT_EQ(labels.frames, expected);
  EXPECT_THAT(labels.counts(), ElementsAre(10, 5, 20));
  EXPECT_EQ(labels.name_of(8), "left");
  EXPECT_EQ(labels.name_of(7), "unlabelled");
  EXPECT_TRUE(labels.notes.empty());
}

TEST(LabelsPerTr, WithoutLagFramesFollowTheOnsetsDirectly) {
  const auto table = table_of({{4, 4, "a", 0}});
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  EXPECT_EQ(labels_per_tr(table, 6, 2.0, options).frames, (std::vector<int>{U, U, 0, 0, U, U}));
}

TEST(LabelsPerTr, OverlappingEventsGoToTheOneThatStartedLast) {
  // A covers [10, 30), B covers [14, 18) and starts later; C starts with B but
  // comes later in the file, so it wins their tie.
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  const auto labels =
      labels_per_tr(table_of({{10, 20, "A", 0}, {14, 4, "B", 0}}), 32, 1.0, options);
  for (int t = 0; t < 32; ++t) {
    const int expected = t < 10 ? U : (t >= 14 && t < 18 ? 1 : (t < 30 ? 0 : U));
    EXPECT_EQ(labels.frames[static_cast<size_t>(t)], expected) << "frame " << t;
  }
  const auto tie = labels_per_tr(table_of({{0, 4, "B", 0}, {0, 4, "C", 0}}), 4, 1.0, options);
  EXPECT_EQ(tie.frames, (std::vector<int>{1, 1, 1, 1}));
}

TEST(LabelsPerTr, TheCallerStateListFixesTheOrder) {
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  options.states = {"right", "rest", "left"};
  const auto labels =
      labels_per_tr(table_of({{0, 2, "left", 0}, {2, 2, "right", 0}}), 5, 1.0, options);
  EXPECT_THAT(labels.states, ElementsAre("right", "rest", "left"));
  EXPECT_EQ(labels.frames, (std::vector<int>{2, 2, 0, 0, U}));
  EXPECT_THAT(labels.counts(), ElementsAre(2, 0, 2, 1));
}

TEST(LabelsPerTr, TrialTypesLeftOutOfTheStateListLabelNothingAndHideNothing) {
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  options.states = {"task"};
  // "cue" starts later and overlaps "task", but is not a state: "task" keeps
  // its frames.
  const auto labels = labels_per_tr(
      table_of({{0, 4, "task", 0}, {1, 1, "cue", 0}, {6, 2, "cue", 0}}), 8, 1.0, options);
  EXPECT_EQ(labels.frames, (std::vector<int>{0, 0, 0, 0, U, U, U, U}));
  ASSERT_EQ(labels.notes.size(), 1u);
  EXPECT_THAT(labels.notes[0], HasSubstr("'cue'"));
  EXPECT_THAT(labels.notes[0], HasSubstr("2 event(s)"));
}

TEST(LabelsPerTr, ImpulseEventsLabelNothing) {
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  EXPECT_EQ(labels_per_tr(table_of({{2, 0, "flash", 0}}), 4, 1.0, options).frames,
            (std::vector<int>(4, U)));
}

TEST(LabelsPerTr, AFrameExactlyOnABlockEdgeIsInsideDespiteRounding) {
  // 10 * 0.72 is 7.199999999999999 in doubles; the block starts at 7.2 s.
  LabelOptions options;
  options.rule = LabelRule::kLag;
  options.hrf_lag_seconds = 0;
  const auto labels = labels_per_tr(table_of({{7.2, 1.44, "a", 0}}), 14, 0.72, options);
  EXPECT_EQ(labels.frames[9], U);
  EXPECT_EQ(labels.frames[10], 0);
  EXPECT_EQ(labels.frames[11], 0);
  EXPECT_EQ(labels.frames[12], U);  // 12 * 0.72 = 8.64 = the block's end
}

TEST(LabelsPerTr, EventsPastTheEndOfTheRunAreLeftOutWithANoteNamingTheFile) {
  TempTree tree;
  const auto file =
      tree.write("sub-01_task-x_events.tsv", "onset\tduration\ttrial_type\n0\t2\ta\n20\t2\tb\n");
  const auto events = read_events_tsv(file);
  LabelOptions lag;
  lag.rule = LabelRule::kLag;
  lag.hrf_lag_seconds = 0;
  EXPECT_TRUE(labels_per_tr(events, 11, 2.0, lag).notes.empty());  // the run ends at 22 s
  const auto cut = labels_per_tr(events, 10, 2.0, lag);            // ends at 20 s
  ASSERT_EQ(cut.notes.size(), 1u);
  EXPECT_THAT(cut.notes[0], HasSubstr(file.string() + ": 1 event(s) start at or past the end"));
  EXPECT_EQ(cut.frames, (std::vector<int>{0, U, U, U, U, U, U, U, U, U}));
  EXPECT_THAT(cut.states, ElementsAre("a", "b"));  // b stays a state of the dataset
}

TEST(LabelsPerTr, RejectsBadArguments) {
  const auto table = table_of({{0, 1, "a", 0}});
  EXPECT_THROW(labels_per_tr(table, 4, 0.0), std::invalid_argument);
  EXPECT_THROW(labels_per_tr(table, 4, NAN), std::invalid_argument);
  EXPECT_THROW(labels_per_tr(table, -1, 2.0), std::invalid_argument);
  LabelOptions twice;
  twice.states = {"a", "b", "a"};
  EXPECT_THAT(error_of([&] { labels_per_tr(table, 4, 1.0, twice); }), HasSubstr("'a'"));
  EXPECT_TRUE(labels_per_tr(EventsTable{}, 0, 2.0).frames.empty());
}

TEST(ReadEventsTsv, SkipsNaTrialTypesAndDurationsWithANote) {
  TempTree tree;
  const auto file = tree.write("events.tsv",
                               "onset\tduration\ttrial_type\r\n"
                               "0\t2\tgo\r\n"
                               "3\tn/a\tgo\r\n"
                               "5\t1\tn/a\r\n"
                               "\r\n"
                               "-1.5\t0\tstop\r\n");
  const auto events = read_events_tsv(file);
  ASSERT_EQ(events.events.size(), 2u);
  EXPECT_EQ(events.events[0].trial_type, "go");
  EXPECT_DOUBLE_EQ(events.events[1].onset, -1.5);  // before the first volume: allowed
  EXPECT_EQ(events.events[1].trial_type, "stop");
  ASSERT_EQ(events.notes.size(), 2u);  // one line per kind of skip, with its count
  EXPECT_THAT(events.notes[0], HasSubstr(file.string() + ": 1 row(s) with duration n/a skipped"));
  EXPECT_THAT(events.notes[1], HasSubstr(file.string() + ": 1 row(s) with trial_type n/a skipped"));
  EXPECT_EQ(events.source, file);
}

TEST(ReadEventsTsv, WithoutTrialTypeEveryEventIsOneStateAndANamedColumnMustExist) {
  TempTree tree;
  const auto file = tree.write("events.tsv", "onset\tduration\tcondition\n0\t1\tgo\n4\t0\tstop\n");
  const auto one_kind = read_events_tsv(file);
  ASSERT_EQ(one_kind.events.size(), 2u);
  EXPECT_EQ(one_kind.events[0].trial_type, "event");
  EXPECT_EQ(one_kind.events[1].trial_type, "event");
  ASSERT_EQ(one_kind.notes.size(), 1u);
  EXPECT_THAT(one_kind.notes[0],
              HasSubstr(file.string() + ": no 'trial_type' column (columns: "
                                        "onset, duration, condition): every event is one "
                                        "state, 'event'; name the column that holds the "
                                        "conditions with --state-column"));
  EventsReadOptions condition;
  condition.state_column = "condition";
  const auto by_condition = read_events_tsv(file, condition);
  ASSERT_EQ(by_condition.events.size(), 2u);
  EXPECT_EQ(by_condition.events[0].trial_type, "go");
  EXPECT_TRUE(by_condition.notes.empty());
  EXPECT_THAT(by_condition.columns, ElementsAre("onset", "duration", "condition"));
  EventsReadOptions absent;
  absent.state_column = "stim_type";
  EXPECT_THAT(error_of([&] { read_events_tsv(file, absent); }),
              HasSubstr(file.string() + ": no 'stim_type' column (columns: onset, duration, "
                                        "condition); name the column that holds the conditions "
                                        "with --state-column"));
  const auto no_onset = tree.write("e2.tsv", "start\tduration\ttrial_type\n");
  EXPECT_THAT(error_of([&] { read_events_tsv(no_onset); }),
              HasSubstr(no_onset.string() + ": no 'onset' column"));
}

TEST(ReadEventsTsv, BadRowsAreErrorsWithTheirLine) {
  TempTree tree;
  const auto text = tree.write("a.tsv", "onset\tduration\ttrial_type\n0\t1\tgo\nsoon\t1\tgo\n");
  EXPECT_THAT(error_of([&] { read_events_tsv(text); }),
              HasSubstr(text.string() + ": line 3: onset 'soon' is not a number"));
  const auto na = tree.write("b.tsv", "onset\tduration\ttrial_type\nn/a\t1\tgo\n");
  EXPECT_THAT(error_of([&] { read_events_tsv(na); }), HasSubstr("line 2: onset 'n/a'"));
  const auto negative = tree.write("c.tsv", "onset\tduration\ttrial_type\n0\t-1\tgo\n");
  EXPECT_THAT(error_of([&] { read_events_tsv(negative); }), HasSubstr("line 2: duration '-1'"));
  const auto short_row = tree.write("d.tsv", "onset\tduration\ttrial_type\n0\t1\n");
  EXPECT_THAT(error_of([&] { read_events_tsv(short_row); }),
              HasSubstr("line 2: expected 3 tab-separated fields, found 2"));
  const auto empty = tree.write("e.tsv", "");
  EXPECT_THAT(error_of([&] { read_events_tsv(empty); }), HasSubstr(empty.string() + ": "));
  EXPECT_THAT(error_of([&] { read_events_tsv(tree.root() / "missing.tsv"); }),
              HasSubstr("missing.tsv: cannot open"));
}

TEST(WriteEventsTsv, WritesWhatReadsBackExactly) {
  TempTree tree;
  const std::vector<Event> events = {
      {0.1, 2.5, "left hand", 0}, {1.0 / 3.0, 0, "right", 0}, {7.2, 1e-7, "", 0}};
  const auto file = tree.root() / "sub-01" / "func" / "sub-01_task-sim_events.tsv";
  write_events_tsv(events, file);
  EXPECT_EQ(testing::read_text(file),
            "onset\tduration\ttrial_type\n"
            "0.1\t2.5\tleft hand\n"
            "0.3333333333333333\t0\tright\n"
            "7.2\t1e-07\tn/a\n");
  const auto back = read_events_tsv(file);
  ASSERT_EQ(back.events.size(), 2u);  // the n/a trial type is skipped on reading
  EXPECT_EQ(back.events[1].onset, 1.0 / 3.0);
  EXPECT_EQ(back.events[0].trial_type, "left hand");
  // Nothing but the table is left in the folder.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(file.parent_path()))
    ++files;
  EXPECT_EQ(files, 1u);
}

TEST(WriteEventsTsv, RefusesWhatCannotBeWritten) {
  TempTree tree;
  const auto file = tree.root() / "events.tsv";
  EXPECT_THROW(write_events_tsv({{0, -1, "a", 0}}, file), std::invalid_argument);
  EXPECT_THROW(write_events_tsv({{INFINITY, 1, "a", 0}}, file), std::invalid_argument);
  EXPECT_THROW(write_events_tsv({{0, 1, "a\tb", 0}}, file), std::invalid_argument);
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace neuro
