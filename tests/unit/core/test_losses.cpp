#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/random/philox.h"
#include "core/train/losses.h"
#include "error_of.h"
#include "finite_difference.h"
#include "golden.h"

namespace {

using nlohmann::json;

core::Tensor tensor_of(const json& j) {
  const auto a = neuroseq_test::golden_array(j);
  return core::Tensor::from_values(core::Shape(std::span<const int64_t>(a.shape)), a.floats());
}

std::vector<double> doubles(const core::Tensor& t) {
  return {t.values().begin(), t.values().end()};
}

std::vector<double> random_values(size_t n, uint64_t stream, double scale = 1.0) {
  core::RandomStream random(17, stream);
  std::vector<double> v(n);
  for (auto& x : v)
    x = random.normal(0.0, scale);
  return v;
}

// Analytic against central differences, both in double: far tighter than
// the float32 checks of the modules.
void expect_gradient_matches(const std::string& what,
                             const std::function<double(const std::vector<double>&)>& loss,
                             const std::vector<double>& x, std::span<const double> grad) {
  const auto numeric = neuroseq_test::numeric_gradient(loss, x);
  EXPECT_TRUE(neuroseq_test::close_to(what, {grad.begin(), grad.end()}, numeric, 1e-6, 1e-8));
}

}  // namespace

TEST(Losses, CrossEntropyMatchesTheGoldenValues) {
  const json g = neuroseq_test::load_golden("losses.json");
  const double tolerance = g["tolerance_rel"].get<double>();
  const auto logits = tensor_of(g["inputs"]["logits"]);
  const auto targets = g["inputs"]["targets"].get<std::vector<int>>();
  const auto result = core::cross_entropy(logits, targets);
  const json& want = g["outputs"];
  EXPECT_TRUE(neuroseq_test::matches_golden(
      "cross_entropy", {result.value}, {{1}, {want["cross_entropy"].get<double>()}}, tolerance));
  ASSERT_EQ(result.grad.shape(), logits.shape());
  EXPECT_TRUE(neuroseq_test::matches_golden(
      "dlogits", doubles(result.grad), neuroseq_test::golden_array(want["dlogits"]), tolerance));
}

TEST(Losses, L1MatchesTheGoldenValues) {
  const json g = neuroseq_test::load_golden("losses.json");
  const double tolerance = g["tolerance_rel"].get<double>();
  const auto pred = tensor_of(g["inputs"]["pred"]);
  const auto target = tensor_of(g["inputs"]["target_values"]);
  const auto result = core::l1_loss(pred, target);
  const json& want = g["outputs"];
  EXPECT_TRUE(neuroseq_test::matches_golden("l1", {result.value}, {{1}, {want["l1"].get<double>()}},
                                            tolerance));
  EXPECT_TRUE(neuroseq_test::matches_golden(
      "dpred_l1", doubles(result.grad), neuroseq_test::golden_array(want["dpred_l1"]), tolerance));
}

TEST(Losses, CrossEntropyGradientMatchesFiniteDifferences) {
  const int64_t batch = 6, classes = 4;
  const auto logits = random_values(batch * classes, 1, 2.0);
  const std::vector<int> targets{0, 3, -100, 1, 2, 3};  // one ignored sample
  core::CrossEntropyOptions options;
  options.class_weights = {0.5, 2.0, 1.0, 3.0};
  std::vector<double> grad(logits.size());
  core::cross_entropy(logits, classes, targets, options, grad);
  for (size_t k = static_cast<size_t>(2 * classes); k < static_cast<size_t>(3 * classes); ++k)
    EXPECT_EQ(grad[k], 0.0) << "the ignored sample has no gradient";
  expect_gradient_matches(
      "cross_entropy",
      [&](const std::vector<double>& z) {
        std::vector<double> scratch(z.size());
        return core::cross_entropy(z, classes, targets, options, scratch);
      },
      logits, grad);
}

TEST(Losses, CrossEntropyWeightsFormAWeightedMeanAsTorch) {
  // Two samples, two classes, logits 0: each nll is log 2, whatever the weights.
  const auto logits = core::Tensor::from_values({2, 2}, {0, 0, 0, 0});
  core::CrossEntropyOptions options;
  options.class_weights = {1.0, 3.0};
  const auto result = core::cross_entropy(logits, std::vector<int>{0, 1}, options);
  EXPECT_NEAR(result.value, std::log(2.0), 1e-12);
  // d/dz of (1 * nll_0 + 3 * nll_1) / 4: sample 1 pulls three times harder.
  EXPECT_NEAR(result.grad.values()[0], -0.25 * 0.5, 1e-7);
  EXPECT_NEAR(result.grad.values()[3], -0.75 * 0.5, 1e-7);
}

TEST(Losses, IgnoredSamplesAreAsIfAbsent) {
  const auto all = random_values(12, 2);
  const auto logits = core::Tensor::from_values({3, 4}, std::vector<float>(all.begin(), all.end()));
  const auto kept = core::Tensor::from_values(
      {2, 4}, std::vector<float>(all.begin() + 4, all.end()));  // rows 1 and 2
  core::CrossEntropyOptions options;
  options.ignore_index = -1;
  const auto with_ignored = core::cross_entropy(logits, std::vector<int>{-1, 2, 0}, options);
  const auto without = core::cross_entropy(kept, std::vector<int>{2, 0});
  EXPECT_NEAR(with_ignored.value, without.value, 1e-12);
  for (int k = 0; k < 8; ++k)
    EXPECT_EQ(with_ignored.grad.values()[static_cast<size_t>(4 + k)],
              without.grad.values()[static_cast<size_t>(k)]);
}

TEST(Losses, AFullyIgnoredBatchGivesZeroNotNan) {
  const auto logits = core::Tensor::from_values({2, 3}, {1, 2, 3, 4, 5, 6});
  const auto result = core::cross_entropy(logits, std::vector<int>{-100, -100});
  EXPECT_EQ(result.value, 0.0);
  for (float g : result.grad.values())
    EXPECT_EQ(g, 0.0f);
}

TEST(Losses, CrossEntropyIsStableForHugeLogits) {
  const auto logits = core::Tensor::from_values({1, 3}, {1e30f, 0.0f, -1e30f});
  const auto result = core::cross_entropy(logits, std::vector<int>{1});
  EXPECT_NEAR(result.value, 1e30, 1e24);
  EXPECT_TRUE(std::isfinite(result.grad.values()[0]));
}

TEST(Losses, CrossEntropyRejectsBadInput) {
  using neuroseq_test::error_of;
  const auto logits = core::Tensor::from_values({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::cross_entropy(logits, std::vector<int>{0, 3});
            }).find("target 3 of sample 1 is outside [0, 3)"),
            std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::cross_entropy(logits, std::vector<int>{0});
            }).find("expected [1, K], got [2, 3]"),
            std::string::npos);
  core::CrossEntropyOptions options;
  options.class_weights = {1, 2};
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::cross_entropy(logits, std::vector<int>{0, 1}, options);
            }).find("class_weights: expected 3 values"),
            std::string::npos);
}

TEST(Losses, MseIsTheMeanSquareWithItsGradient) {
  const auto pred = core::Tensor::from_values({2, 2}, {1, 2, 3, 4});
  const auto target = core::Tensor::from_values({2, 2}, {0, 2, 5, 4});
  const auto result = core::mse_loss(pred, target);
  EXPECT_DOUBLE_EQ(result.value, (1.0 + 0.0 + 4.0 + 0.0) / 4);
  const std::vector<float> want{0.5f, 0.0f, -1.0f, 0.0f};  // 2 (p - t) / 4
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(result.grad.values()[i], want[i]);
}

TEST(Losses, PointwiseGradientsMatchFiniteDifferences) {
  const int64_t b = 2, l = 5, p = 3;
  const auto pred = random_values(b * l * p, 3);
  const auto target = random_values(b * l * p, 4);
  const std::vector<double> mask{1, 0, 1, 1, 0, 0, 1, 0, 0, 1};
  for (auto kind : {core::PointLoss::kSquared, core::PointLoss::kAbsolute}) {
    for (bool masked : {false, true}) {
      const std::span<const double> m =
          masked ? std::span<const double>(mask) : std::span<const double>();
      std::vector<double> grad(pred.size());
      core::pointwise_loss(kind, pred, target, m, p, grad);
      // |pred - target| is far from 0 for these draws, away from L1's kink.
      expect_gradient_matches(
          (masked ? "masked " : "") + std::string(kind == core::PointLoss::kSquared ? "mse" : "l1"),
          [&](const std::vector<double>& x) {
            std::vector<double> scratch(x.size());
            return core::pointwise_loss(kind, x, target, m, p, scratch);
          },
          pred, grad);
    }
  }
}

TEST(Losses, MaskedLossesAverageOverTheCountedTimePoints) {
  // [B=1, L=3, P=2]; only time point 1 counts.
  const auto pred = core::Tensor::from_values({1, 3, 2}, {9, 9, 1, 3, 9, 9});
  const auto target = core::Tensor::from_values({1, 3, 2}, {0, 0, 0, 0, 0, 0});
  const auto mask = core::Tensor::from_values({1, 3}, {0, 1, 0});
  const auto mse = core::masked_mse_loss(pred, target, mask);
  EXPECT_DOUBLE_EQ(mse.value, (1.0 + 9.0) / 2);
  const std::vector<float> want_mse{0, 0, 1, 3, 0, 0};  // 2 (p - t) / 2
  const auto l1 = core::masked_l1_loss(pred, target, mask);
  EXPECT_DOUBLE_EQ(l1.value, (1.0 + 3.0) / 2);
  const std::vector<float> want_l1{0, 0, 0.5f, 0.5f, 0, 0};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(mse.grad.values()[i], want_mse[i]);
    EXPECT_EQ(l1.grad.values()[i], want_l1[i]);
  }
  const auto none = core::masked_mse_loss(pred, target, core::Tensor({1, 3}));
  EXPECT_EQ(none.value, 0.0);
}

TEST(Losses, MaskedLossesCheckShapesAndMaskValues) {
  using neuroseq_test::error_of;
  const core::Tensor pred({2, 3, 4});
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::masked_l1_loss(pred, core::Tensor({2, 3, 4}), core::Tensor({3, 2}));
            }).find("mask: expected [2, 3], got [3, 2]"),
            std::string::npos);
  EXPECT_NE(
      error_of<std::invalid_argument>([&] {
        core::masked_mse_loss(pred, core::Tensor({2, 3, 4}), core::Tensor::full({2, 3}, 0.5f));
      }).find("mask values must be 0 or 1"),
      std::string::npos);
  EXPECT_NE(
      error_of<std::invalid_argument>([&] {
        core::masked_mse_loss(core::Tensor({2, 3}), core::Tensor({2, 3}), core::Tensor({2, 3}));
      }).find("expected [B, L, P]"),
      std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::mse_loss(pred, core::Tensor({2, 3}));
            }).find("target: expected [2, 3, 4], got [2, 3]"),
            std::string::npos);
}
