#include <gtest/gtest.h>

#include <cmath>

#include "core/metrics/classification.h"

TEST(ClassificationScores, HandComputedExample) {
  // truth:     0 0 0 0 1 1 2 2
  // predicted: 0 0 1 2 1 1 2 0
  const std::vector<int> truth{0, 0, 0, 0, 1, 1, 2, 2};
  const std::vector<int> predicted{0, 0, 1, 2, 1, 1, 2, 0};
  const auto s = core::score_classification(truth, predicted, 3);
  EXPECT_EQ(s.confusion, (std::vector<long>{2, 1, 1, 0, 2, 0, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(s.accuracy, 5.0 / 8.0);
  // recalls 2/4, 2/2, 1/2
  EXPECT_DOUBLE_EQ(s.balanced_accuracy, (0.5 + 1.0 + 0.5) / 3.0);
  // precisions 2/3, 2/3, 1/2; F1 = 2PR/(P+R): 4/7, 4/5, 1/2
  EXPECT_NEAR(s.macro_f1, (4.0 / 7.0 + 0.8 + 0.5) / 3.0, 1e-12);
}

TEST(BinomialTest, MatchesTheExactTailSum) {
  // P(X >= 8 | n = 10, p = 0.5) = (45 + 10 + 1) / 1024
  EXPECT_NEAR(core::binomial_p_value(8, 10, 0.5), 56.0 / 1024.0, 1e-12);
  EXPECT_NEAR(core::binomial_p_value(0, 10, 0.25), 1.0, 1e-12);
  // P(X >= 3 | n = 3, p = 0.25) = 1/64
  EXPECT_NEAR(core::binomial_p_value(3, 3, 0.25), 1.0 / 64.0, 1e-12);
}
