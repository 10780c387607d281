// Map agreement metrics against values worked out by hand and against
// brute-force definitions: Pearson's r, top-fraction Dice overlap, and AUROC
// as the pairwise probability that a positive outscores a negative.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/metrics/map_agreement.h"
#include "core/random/philox.h"

namespace {

using Vec = std::vector<double>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(PearsonR, MatchesAHandComputationAndSkipsNaNPairs) {
  // Deviations (-2, -1, 0, 1, 2) and (-2, 0, 1, 0, 1): r = 6 / sqrt(10 * 6).
  const Vec a{1, 2, 3, 4, 5}, b{2, 4, 5, 4, 5};
  EXPECT_NEAR(core::pearson_r(a, b), 6 / std::sqrt(60.0), 1e-15);
  EXPECT_NEAR(core::pearson_r(b, a), 6 / std::sqrt(60.0), 1e-15);
  EXPECT_NEAR(core::pearson_r(Vec{1, 2, kNaN, 3, 4, 5, 7}, Vec{2, 4, 100, 5, 4, 5, kNaN}),
              6 / std::sqrt(60.0), 1e-15);
  Vec affine, negated;
  for (double x : a)
    affine.push_back(3 * x - 7), negated.push_back(-x);
  EXPECT_NEAR(core::pearson_r(a, affine), 1.0, 1e-15);
  EXPECT_NEAR(core::pearson_r(a, negated), -1.0, 1e-15);
  EXPECT_NEAR(core::pearson_r(Vec{1, 2}, Vec{5, 3}), -1.0, 1e-15);
}

TEST(PearsonR, RefusesWhereUndefined) {
  EXPECT_THROW(core::pearson_r(Vec{1, 2, 3}, Vec{1, 2}), std::invalid_argument);
  EXPECT_THROW(core::pearson_r(Vec{}, Vec{}), std::invalid_argument);
  EXPECT_THROW(core::pearson_r(Vec{1}, Vec{2}), std::invalid_argument);
  EXPECT_THROW(core::pearson_r(Vec{1, kNaN, 3}, Vec{kNaN, 2, 3}), std::invalid_argument);
  EXPECT_THROW(core::pearson_r(Vec{1, 2, 3}, Vec{4, 4, 4}), std::invalid_argument);
  EXPECT_THROW(core::pearson_r(Vec{2, 2, 5}, Vec{1, 2, kNaN}), std::invalid_argument);
}

TEST(TopDice, OverlapsOfKnownSets) {
  const Vec a{5, -4, 3, 0, 1, 2, 0, 0, 0, 0}, b{-5, 4, 0, 3, 0, 0, 0, 0, 0, 1};
  // |.|: {0, 1, 2} and {0, 1, 3}; signed: {0, 2, 5} and {1, 3, 9}.
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 0.3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 0.3, core::TopMode::kSigned), 0.0);
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 0.25), 2.0 / 3.0);  // ceil(2.5) = 3
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 0.1), 1.0);         // {0} and {0}
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(core::top_dice(a, a, 0.5, core::TopMode::kSigned), 1.0);
  EXPECT_DOUBLE_EQ(core::top_dice(a, b, 0.01), 1.0);  // at least one entry
  // Ties at the boundary enter by lower index: {0, 1} and {1, 2}.
  EXPECT_DOUBLE_EQ(core::top_dice(Vec{1, 1, 1, 0}, Vec{0, 1, 1, 1}, 0.5), 0.5);
}

TEST(TopDice, MatchesTheSetDefinitionOnRandomMaps) {
  core::RandomStream rng(5, 0);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 5 + rng.below(40);
    Vec a(n), b(n);
    for (size_t i = 0; i < n; ++i)
      a[i] = rng.normal(), b[i] = a[i] + rng.normal(0, 0.7);
    const double fraction = 0.05 + 0.9 * rng.uniform();
    const auto k = static_cast<size_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9));
    auto top = [&](const Vec& v) {
      std::vector<std::pair<double, size_t>> key;
      for (size_t i = 0; i < n; ++i)
        key.emplace_back(-std::fabs(v[i]), i);
      std::sort(key.begin(), key.end());
      std::set<size_t> out;
      for (size_t i = 0; i < std::max<size_t>(k, 1); ++i)
        out.insert(key[i].second);
      return out;
    };
    const std::set<size_t> ta = top(a), tb = top(b);
    size_t both = 0;
    for (size_t i : ta)
      both += tb.count(i);
    EXPECT_DOUBLE_EQ(core::top_dice(a, b, fraction),
                     2.0 * static_cast<double>(both) / static_cast<double>(ta.size() + tb.size()));
  }
}

TEST(TopDice, RefusesWhereUndefined) {
  const Vec a{1, 2, 3}, b{3, 2, 1};
  EXPECT_THROW(core::top_dice(a, Vec{1, 2}, 0.5), std::invalid_argument);
  EXPECT_THROW(core::top_dice(Vec{}, Vec{}, 0.5), std::invalid_argument);
  EXPECT_THROW(core::top_dice(a, b, 0.0), std::invalid_argument);
  EXPECT_THROW(core::top_dice(a, b, 1.5), std::invalid_argument);
  EXPECT_THROW(core::top_dice(a, b, kNaN), std::invalid_argument);
  EXPECT_THROW(core::top_dice(Vec{1, kNaN, 3}, b, 0.5), std::invalid_argument);
  EXPECT_THROW(core::top_dice(Vec{2, 2, 2}, b, 0.5), std::invalid_argument);
  EXPECT_THROW(core::top_dice(a, Vec{-1, 1, 1}, 0.5), std::invalid_argument);  // constant |.|
  EXPECT_NO_THROW(core::top_dice(a, Vec{-1, 1, 1}, 0.5, core::TopMode::kSigned));
}

// The pairwise definition: P(positive > negative) + P(tie) / 2.
double pairwise_auroc(const Vec& score, const std::vector<int>& truth) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < score.size(); ++i)
    for (size_t j = 0; j < score.size(); ++j) {
      if (truth[i] != 1 || truth[j] != 0) continue;
      pairs += 1;
      wins += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
    }
  return wins / pairs;
}

TEST(Auroc, PerfectReversedTiedAndSmallCases) {
  const Vec s{0.1, 0.2, 0.8, 0.9};
  EXPECT_DOUBLE_EQ(core::auroc(s, std::vector<int>{0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(core::auroc(s, std::vector<int>{1, 1, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(core::auroc(Vec{3, 3, 3, 3, 3}, std::vector<int>{0, 1, 0, 1, 1}), 0.5);
  EXPECT_DOUBLE_EQ(core::auroc(Vec{0.1, 0.4, 0.35, 0.8}, std::vector<int>{0, 0, 1, 1}), 0.75);
  // Ranks 1, 2.5, 2.5, 4; positives at 2.5 and 4: U = 6.5 - 3 = 3.5 of 4.
  EXPECT_DOUBLE_EQ(core::auroc(Vec{1, 2, 2, 3}, std::vector<int>{0, 1, 0, 1}), 0.875);
}

TEST(Auroc, MatchesThePairwiseDefinitionWithManyTies) {
  core::RandomStream rng(9, 0);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 4 + rng.below(60);
    Vec score(n);
    std::vector<int> truth(n);
    for (size_t i = 0; i < n; ++i) {
      truth[i] = i < 2 ? static_cast<int>(i) : static_cast<int>(rng.below(2));
      score[i] = std::round(4 * (rng.normal() + truth[i])) / 4;  // coarse: ties
    }
    EXPECT_NEAR(core::auroc(score, truth), pairwise_auroc(score, truth), 1e-12);
  }
}

TEST(Auroc, RefusesWhereUndefined) {
  const Vec s{1, 2, 3};
  EXPECT_THROW(core::auroc(s, std::vector<int>{0, 1}), std::invalid_argument);
  EXPECT_THROW(core::auroc(Vec{}, std::vector<int>{}), std::invalid_argument);
  EXPECT_THROW(core::auroc(s, std::vector<int>{0, 1, 2}), std::invalid_argument);
  EXPECT_THROW(core::auroc(s, std::vector<int>{1, 1, 1}), std::invalid_argument);
  EXPECT_THROW(core::auroc(s, std::vector<int>{0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(core::auroc(Vec{1, kNaN, 3}, std::vector<int>{0, 1, 1}), std::invalid_argument);
}

}  // namespace
