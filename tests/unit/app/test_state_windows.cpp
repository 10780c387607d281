// Which states a dataset can decode and how its windows are labelled, on
// hand-made label sequences whose window counts are counted here by hand.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "app/jobs/state_windows.h"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int U = neuro::kUnlabelled;

struct Dataset {
  std::vector<neuro::BoldRun> bold;  // owns what the series point to
  std::vector<jobs::RunSeries> runs;
};

// One run per subject with the given frame labels over states {a, b, c}.
Dataset dataset_of(const std::vector<std::vector<int>>& labels) {
  Dataset d;
  d.bold.resize(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    d.bold[i].subject = "0" + std::to_string(i + 1);
    jobs::RunSeries r;
    r.run = &d.bold[i];
    r.labels.states = {"a", "b", "c"};
    r.labels.frames = labels[i];
    r.events.events = {{0, 1, "a", 0}, {1, 1, "b", 0}, {2, 1, "c", 0}};
    d.runs.push_back(std::move(r));
  }
  return d;
}

// 12 frames of a, 12 of b, then c as single frames between unlabelled ones.
std::vector<int> block_run() {
  std::vector<int> f(24, 0);
  std::fill(f.begin() + 12, f.end(), 1);
  for (int k = 0; k < 4; ++k) {
    f.push_back(U);
    f.push_back(2);
  }
  return f;
}

jobs::JobContext quiet(std::vector<std::string>* notes) {
  jobs::JobContext context;
  context.log = [notes](std::string_view n) { notes->push_back(std::string(n)); };
  return context;
}

TEST(StateWindows, ARareStateIsLeftOutWithANoteAndTheOthersKeepTheirOrder) {
  auto d = dataset_of({block_run(), block_run()});
  std::vector<std::string> states{"a", "b", "c"};
  const neuro::WindowSpec spec{4, 4, neuro::WindowLabelling::kWhole};
  // a: 3 windows per run (12 frames / 4), 6 in 2 subjects: below 8 as well.
  const neuro::WindowSpec dense{4, 2, neuro::WindowLabelling::kWhole};
  // With stride 2: a has 5 per run = 10, b 10, c none.
  std::vector<std::string> notes;
  jobs::keep_decodable_states(d.runs, states, dense, "/data/ds", quiet(&notes));
  EXPECT_THAT(states, ElementsAre("a", "b"));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("state 'c' is left out: 0 window(s) in 0 subject(s)"));
  // Frames of c are now unlabelled, a and b keep their indices.
  EXPECT_EQ(d.runs[0].labels.frames[0], 0);
  EXPECT_EQ(d.runs[0].labels.frames[12], 1);
  EXPECT_EQ(d.runs[0].labels.frames[25], U);
  EXPECT_THAT(d.runs[0].labels.states, ElementsAre("a", "b"));
  EXPECT_EQ(d.runs[0].events.events.size(), 2u);
  // With stride 4 nothing has 8 windows: one line with every count.
  auto again = dataset_of({block_run(), block_run()});
  std::vector<std::string> all{"a", "b", "c"};
  try {
    jobs::keep_decodable_states(again.runs, all, spec, "/data/ds", quiet(&notes));
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/data/ds: fewer than 2 states have enough windows of 4 "
                                    "frames to decode ('a' 6 window(s) in 2 subject(s)"));
  }
}

TEST(StateWindows, SummariesCountFramesWindowsAndSubjects) {
  std::vector<int> only_a(40, 0);
  std::vector<int> mixed = block_run();
  auto d = dataset_of({only_a, mixed, mixed});
  const auto summary =
      jobs::summarise_states(d.runs, {"a", "b", "c"}, {4, 2, neuro::WindowLabelling::kWhole});
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_EQ(summary[0].windows, 19 + 5 + 5);  // (40 - 4) / 2 + 1 = 19
  EXPECT_EQ(summary[0].subjects, 3);
  EXPECT_EQ(summary[1].windows, 10);
  EXPECT_EQ(summary[1].frames, 24);
  EXPECT_EQ(summary[2].frames, 8);
  EXPECT_FALSE(summary[2].decodable);
}

TEST(StateWindows, AutoLabellingTakesLastFrameWindowsOnlyWhenMoreStatesCanBeDecoded) {
  auto blocks = dataset_of({block_run(), block_run()});
  const neuro::WindowSpec automatic{4, 2, neuro::WindowLabelling::kAuto};
  // c has single frames: last-frame windows give it 4 per run, 8 in all,
  // so one more state is decodable that way.
  EXPECT_EQ(jobs::resolve_window_labelling(blocks.runs, automatic).labelling,
            neuro::WindowLabelling::kLastFrame);
  std::vector<int> no_c = block_run();
  no_c.resize(24);
  auto plain = dataset_of({no_c, no_c});
  EXPECT_EQ(jobs::resolve_window_labelling(plain.runs, automatic).labelling,
            neuro::WindowLabelling::kWhole);
  const neuro::WindowSpec fixed{4, 2, neuro::WindowLabelling::kWhole};
  EXPECT_EQ(jobs::resolve_window_labelling(blocks.runs, fixed), fixed);
}

TEST(StateWindows, CountsPerRunFollowTheWindowRule) {
  neuro::TrLabels labels;
  labels.states = {"a", "b"};
  labels.frames = {0, 0, 0, 0, 0, U, 1, U, 1, 1};
  const auto whole = jobs::count_states(labels, {3, 1, neuro::WindowLabelling::kWhole});
  EXPECT_THAT(whole.frames, ElementsAre(5, 3));
  EXPECT_THAT(whole.windows, ElementsAre(3, 0));
  const auto last = jobs::count_states(labels, {3, 1, neuro::WindowLabelling::kLastFrame});
  EXPECT_THAT(last.windows, ElementsAre(3, 3));  // a ends at 2, 3, 4; b at 6, 8, 9
}

}  // namespace
