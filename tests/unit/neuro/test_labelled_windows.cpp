#include <gtest/gtest.h>

#include "neuro/series/labelled_windows.h"

TEST(LabelledWindows, StayInsideOneStateBlock) {
  //                       0  1  2  3  4  5  6  7  8  9 10 11 12
  const std::vector<int> labels{-1, 0, 0, 0, 0, 0, 1, 1, 1, -1, 0, 0, 0};
  const auto w = neuro::labelled_windows(labels, {3, 2});
  // block 0: frames 1-5 -> starts 1, 3; block 1: frames 6-8 -> start 6; block 0: 10-12 -> 10
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].start, 1);
  EXPECT_EQ(w[1].start, 3);
  EXPECT_EQ(w[2].start, 6);
  EXPECT_EQ(w[2].state, 1);
  EXPECT_EQ(w[3].start, 10);
  EXPECT_EQ(w[3].state, 0);
}

TEST(LabelledWindows, MeansAreTheAverageOfTheWindowFrames) {
  neuro::ParcelSeries s(6, 2, 2.0);
  for (int64_t t = 0; t < 6; ++t) {
    s.at(t, 0) = static_cast<float>(t);
    s.at(t, 1) = static_cast<float>(10 * t);
  }
  const std::vector<neuro::LabelledWindow> windows{{0, 0}, {3, 1}};
  const auto m = neuro::window_means(s, windows, 3);
  EXPECT_EQ(m, (std::vector<float>{1, 10, 4, 40}));
  const std::vector<neuro::LabelledWindow> past{{4, 0}};
  EXPECT_THROW(neuro::window_means(s, past, 3), std::out_of_range);
}

TEST(LabelledWindows, LastFrameWindowsEndInsideTheBlockAndMayStartBeforeIt) {
  //                       0  1  2  3  4  5  6  7  8  9 10 11 12
  const std::vector<int> labels{-1, -1, 0, 0, -1, -1, -1, 1, -1, -1, 0, 0, 0};
  neuro::WindowSpec spec{4, 2, neuro::WindowLabelling::kLastFrame};
  const auto w = neuro::labelled_windows(labels, spec);
  // block 0 (2-3): ends 3 -> start 0 (end 1 is before the block); block 1 (7):
  // end 7 -> start 4; block 0 (10-12): ends 12, 10 -> starts 7, 9.
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].start, 0);
  EXPECT_EQ(w[0].state, 0);
  EXPECT_EQ(w[1].start, 4);
  EXPECT_EQ(w[1].state, 1);
  EXPECT_EQ(w[2].start, 7);
  EXPECT_EQ(w[3].start, 9);
  EXPECT_EQ(w[3].state, 0);
  // A window would start before the run: none.
  const std::vector<int> early{0, 0, -1};
  EXPECT_TRUE(neuro::labelled_windows(early, spec).empty());
  // The label of every window is the label of its last frame.
  for (const auto& window : w)
    EXPECT_EQ(labels[static_cast<size_t>(window.start + 3)], window.state);
}
