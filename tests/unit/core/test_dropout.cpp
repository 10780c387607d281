// Dropout: identity outside training; while training a Philox mask keyed by
// (seed, step, stream, element index), reproducible whatever the order of
// evaluation, with exact gradients and identity relevance.

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "core/nn/dropout.h"
#include "error_of.h"
#include "gradient_check.h"
#include "random_tensor.h"

namespace {

using neuroseq_test::random_normal;
using neuroseq_test::to_double;

core::ForwardMode training(uint64_t seed, uint64_t step) {
  return core::ForwardMode{.training = true, .seed = seed, .step = step};
}

TEST(DropoutModule, IsTheIdentityOutsideTraining) {
  core::Dropout drop("drop", 0.5f);
  const core::Tensor x = random_normal({4, 5, 6}, 1);
  core::Context ctx;
  const core::Tensor y = drop.forward(x, ctx, core::ForwardMode{.training = false, .seed = 3});
  EXPECT_EQ(to_double(y), to_double(x));
  const core::Tensor g = random_normal({4, 5, 6}, 2);
  EXPECT_EQ(to_double(drop.backward(g, ctx)), to_double(g));
}

TEST(DropoutModule, MaskIsAFunctionOfSeedStepStreamAndIndexOnly) {
  const float p = 0.3f;
  core::Dropout drop("drop", p, 5);
  const core::Tensor x = core::Tensor::full({3, 7, 9}, 1.0f);  // odd sizes: partial Philox blocks
  core::Context ctx;
  const core::Tensor y = drop.forward(x, ctx, training(42, 17));
  // Element by element, in reverse order, from the standalone function: the
  // mask does not depend on how the work is split or ordered.
  for (int64_t i = x.numel(); i-- > 0;) {
    ASSERT_EQ(y.values()[static_cast<size_t>(i)],
              core::dropout_factor(42, 17, 5, static_cast<uint64_t>(i), p))
        << "element " << i;
  }
  core::Context again;
  EXPECT_EQ(to_double(drop.forward(x, again, training(42, 17))), to_double(y));
  const auto differs = [&](const core::Tensor& other) { return to_double(other) != to_double(y); };
  core::Context c1, c2, c3;
  EXPECT_TRUE(differs(drop.forward(x, c1, training(42, 18))));
  EXPECT_TRUE(differs(drop.forward(x, c2, training(43, 17))));
  core::Dropout other_layer("drop2", p, 6);
  EXPECT_TRUE(differs(other_layer.forward(x, c3, training(42, 17))));
}

TEST(DropoutModule, KeepsOneMinusPAndPreservesTheMean) {
  const float p = 0.25f;
  core::Dropout drop("drop", p);
  const core::Tensor x = core::Tensor::full({100, 1000}, 1.0f);
  core::Context ctx;
  const core::Tensor y = drop.forward(x, ctx, training(1, 0));
  int64_t kept = 0;
  double sum = 0.0;
  for (float v : y.values()) {
    ASSERT_TRUE(v == 0.0f || v == 1.0f / 0.75f) << v;
    kept += v != 0.0f;
    sum += v;
  }
  // Binomial(1e5, 0.75): sd ~137 elements.
  EXPECT_NEAR(static_cast<double>(kept), 75000.0, 700.0);
  EXPECT_NEAR(sum / 1e5, 1.0, 0.01);
}

TEST(DropoutModule, GradientsMatchDoubleReferenceWhileTraining) {
  core::Dropout drop("drop", 0.4f, 2);
  const core::Tensor x = random_normal({2, 3, 5}, 7);
  neuroseq_test::GradientCheckOptions o;
  o.mode = training(9, 4);
  const auto reference = [](const std::vector<double>& v, const neuroseq_test::DoubleParams&) {
    std::vector<double> y(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      y[i] = v[i] * core::dropout_factor(9, 4, 2, i, 0.4f);
    return y;
  };
  EXPECT_TRUE(neuroseq_test::gradients_match(drop, x, reference, o));
}

TEST(DropoutModule, RelevancePassesThrough) {
  core::Dropout drop("drop", 0.5f);
  const core::Tensor x = random_normal({2, 8}, 3);
  const core::Tensor r = random_normal({2, 8}, 4);
  for (bool train : {false, true}) {
    core::Context ctx;
    drop.forward(x, ctx, core::ForwardMode{.training = train, .seed = 1, .step = 2});
    EXPECT_EQ(to_double(drop.relevance(r, ctx, core::LrpRule{})), to_double(r));
  }
}

TEST(DropoutModule, RejectsProbabilitiesOutsideZeroToOne) {
  using neuroseq_test::error_of;
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::Dropout("drop", 1.0f); }),
            "drop: p must be in [0, 1), got 1.000000");
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::Dropout("drop", -0.1f); }),
            "drop: p must be in [0, 1), got -0.100000");
}

}  // namespace
