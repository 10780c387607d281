#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/random/philox.h"

// Known-answer vectors published with Random123 (kat_vectors).
TEST(Philox, MatchesPublishedKnownAnswers) {
  using A4 = std::array<uint32_t, 4>;
  EXPECT_EQ(core::philox4x32({0, 0, 0, 0}, {0, 0}),
            (A4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      core::philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
      (A4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      core::philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
      (A4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomStream, SameSeedAndStreamGiveSameNumbersOtherStreamsDiffer) {
  core::RandomStream a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  int same_c = 0, same_d = 0;
  for (int i = 0; i < 1000; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    same_c += x == c.normal();
    same_d += x == d.normal();
  }
  EXPECT_LT(same_c, 5);
  EXPECT_LT(same_d, 5);
}

TEST(RandomStream, NormalHasUnitMomentsAndUniformIsFlat) {
  core::RandomStream r(1, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0, sum4 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    sum2 += x * x;
    sum4 += x * x * x * x;
  }
  // Standard errors: mean 1/sqrt(n) ~ 0.0022, variance sqrt(2/n) ~ 0.0032.
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.015);
  EXPECT_NEAR(sum4 / n, 3.0, 0.06);
  std::vector<int> bins(10, 0);
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++bins[static_cast<size_t>(u * 10)];
  }
  for (int count : bins)
    EXPECT_NEAR(count, n / 10, 5 * std::sqrt(n / 10.0));
}
