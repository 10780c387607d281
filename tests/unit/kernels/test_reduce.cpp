#include <gtest/gtest.h>

#include <vector>

#include "kernels/cpu/reduce.h"

namespace {

// x [2, 3, 4] with x[a][b][c] = 100 a + 10 b + c.
std::vector<float> cube() {
  std::vector<float> x;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c)
        x.push_back(static_cast<float>(100 * a + 10 * b + c));
  return x;
}

TEST(Reduce, SumOverEachAxisOfA3dTensor) {
  const auto x = cube();
  std::vector<float> out;
  out.resize(12);
  kernels::cpu::sum_axis(x.data(), 1, 2, 12, out.data());  // axis 0 -> [3, 4]
  for (int b = 0; b < 3; ++b)
    for (int c = 0; c < 4; ++c)
      EXPECT_EQ(out[b * 4 + c], 100 + 2 * (10 * b + c));
  out.assign(8, 0.0f);
  kernels::cpu::sum_axis(x.data(), 2, 3, 4, out.data());  // axis 1 -> [2, 4]
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 4; ++c)
      EXPECT_EQ(out[a * 4 + c], 3 * (100 * a + c) + 30);
  out.assign(6, 0.0f);
  kernels::cpu::sum_axis(x.data(), 6, 4, 1, out.data());  // axis 2 -> [2, 3]
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      EXPECT_EQ(out[a * 3 + b], 4 * (100 * a + 10 * b) + 6);
}

TEST(Reduce, MeanOverTimeOfBld) {
  const auto x = cube();  // [B=2, L=3, D=4]
  std::vector<float> out(8);
  kernels::cpu::mean_axis(x.data(), 2, 3, 4, out.data());
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 4; ++c)
      EXPECT_FLOAT_EQ(out[a * 4 + c], 100.0f * a + 10.0f + c);
  // An empty time axis gives zeros rather than NaN.
  kernels::cpu::mean_axis(x.data(), 2, 0, 4, out.data());
  for (float v : out)
    EXPECT_EQ(v, 0.0f);
}

TEST(Reduce, BroadcastIsTheAdjointOfSum) {
  // <sum_axis(x), y> == <x, broadcast_axis(y)> for any x, y.
  const auto x = cube();                                                           // [2, 3, 4]
  const std::vector<float> y{0.5f, -1.0f, 2.0f, 0.25f, 3.0f, -0.5f, 1.5f, -2.0f};  // [2, 4]
  std::vector<float> sx(8), by(24);
  kernels::cpu::sum_axis(x.data(), 2, 3, 4, sx.data());
  kernels::cpu::broadcast_axis(y.data(), 2, 3, 4, 1.0f, by.data());
  double lhs = 0.0, rhs = 0.0;
  for (size_t i = 0; i < sx.size(); ++i)
    lhs += static_cast<double>(sx[i]) * y[i];
  for (size_t i = 0; i < by.size(); ++i)
    rhs += static_cast<double>(x[i]) * by[i];
  EXPECT_DOUBLE_EQ(lhs, rhs);
  // Mean's adjoint scales by 1/L.
  kernels::cpu::broadcast_axis(y.data(), 2, 3, 4, 1.0f / 3.0f, by.data());
  EXPECT_FLOAT_EQ(by[4 * 1 + 2], 2.0f / 3.0f);  // [0, 1, 2]
}

TEST(Reduce, SumAccumulatesInDouble) {
  // 2^24 + 1 + ... is not representable in float; a float accumulator stalls.
  std::vector<float> x(1001, 1.0f);
  x[0] = 16777216.0f;
  EXPECT_EQ(kernels::cpu::sum(x.data(), static_cast<int64_t>(x.size())), 16777216.0 + 1000.0);
}

}  // namespace
