// LongConv: the kernel regularisation against golden values, the module's
// forward and gradients against the golden long convolution and against
// finite differences of a double reference (causal, bidirectional, shorter
// sequences, kernel dropout), the squash's dead zone, the optimiser settings,
// and the epsilon rule (contribution form and conservation).

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/nn/dropout.h"
#include "core/nn/kernel_regularisation.h"
#include "core/nn/long_conv.h"
#include "error_of.h"
#include "golden.h"
#include "gradient_check.h"
#include "mixer_reference.h"
#include "random_tensor.h"

namespace {

namespace ref = mixer_reference;
using neuroseq_test::DoubleParams;
using neuroseq_test::golden_array;
using neuroseq_test::gradients_match;
using neuroseq_test::matches_golden;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::relevance_conserved;
using neuroseq_test::to_double;

core::Tensor golden_tensor(const nlohmann::json& j) {
  const auto a = golden_array(j);
  return neuroseq_test::to_tensor(a.shape, a.data);
}

core::LrpRule epsilon_rule(double eps) {
  core::LrpRule r;
  r.epsilon = eps;
  return r;
}

// ---- Regularisation ----

// Tolerance: the golden's float64 tolerance scaled to float32 by
// matches_golden (1e-6 of max(|want|, 1)); the inputs are rounded to float.
TEST(KernelRegularisation, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("long_conv_kernel_regularisation.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto k = golden_array(in.at("k"));
  const float lambda = in.at("lambda").get<float>();
  const int64_t window = in.at("window").get<int64_t>();
  const int64_t rows = k.shape[0], n = k.shape[1];
  const std::vector<float> kf = k.floats();
  std::vector<float> smoothed(kf.size()), squashed(kf.size());
  core::smooth_kernel(kf.data(), rows, n, window, smoothed.data());
  core::squash_kernel(smoothed.data(), rows * n, lambda, squashed.data());
  const auto& out = golden.at("outputs");
  EXPECT_TRUE(matches_golden("smoothed", {smoothed.begin(), smoothed.end()},
                             golden_array(out.at("smoothed")), tol));
  EXPECT_TRUE(matches_golden("squashed", {squashed.begin(), squashed.end()},
                             golden_array(out.at("squashed")), tol));
  // The squash zeroes taps exactly, not approximately.
  const auto want = golden_array(out.at("squashed"));
  for (size_t i = 0; i < want.data.size(); ++i) {
    if (want.data[i] == 0.0) {
      EXPECT_EQ(squashed[i], 0.0f) << i;
    }
  }
}

TEST(KernelRegularisation, SmoothingRejectsEvenWindows) {
  float k[4] = {1, 2, 3, 4}, out[4];
  EXPECT_THROW(core::smooth_kernel(k, 1, 4, 6, out), std::invalid_argument);
}

// ---- Module ----

// Tolerance: 1e-5 of each output's largest magnitude, as the kernel's own
// golden test. The golden's 1e-9 is for float64; here each value is a sum of
// up to 64 (dk: 128) float products of O(1) terms from float-rounded inputs,
// whose rounding reaches ~128 * 2^-24 ~ 8e-6 of the scale, several float ulps
// of the larger outputs, so the per-element bar of matches_golden is too
// tight for this op.
TEST(LongConvModule, MatchesGoldenConvolutionWithoutRegularisation) {
  const auto golden = neuroseq_test::load_golden("long_conv_causal.json");
  const auto& in = golden.at("inputs");
  const core::Tensor u = golden_tensor(in.at("u"));  // [2, 64, 3]
  core::LongConv conv("conv", mixer_reference::unregularised_long_conv(u.size(2), u.size(1)), 1);
  conv.kernel().value = golden_tensor(in.at("k"));
  conv.skip().value = golden_tensor(in.at("D"));
  core::Context ctx;
  const core::Tensor y = conv.forward(u, ctx);
  conv.zero_grad();
  const core::Tensor du = conv.backward(golden_tensor(in.at("dy")), ctx);
  const auto& out = golden.at("outputs");
  const auto close = [&](const char* what, const core::Tensor& got, const char* key) {
    return neuroseq_test::close_to(what, to_double(got), golden_array(out.at(key)).data, 0.0, 1e-5);
  };
  EXPECT_TRUE(close("y", y, "y"));
  EXPECT_TRUE(close("du", du, "du"));
  EXPECT_TRUE(close("dk", conv.kernel().grad, "dk"));
  EXPECT_TRUE(close("dD", conv.skip().grad, "dD"));
}

struct Case {
  bool bidirectional;
  int64_t length;  // of the sequence, shorter or longer than the kernel's 10 taps
  bool smooth;
  float dropout;
};

// The module's forward in double, with the dropout mask (if any) recomputed
// from dropout_factor.
neuroseq_test::DoubleReference reference_of(const core::LongConv& conv, int64_t batch,
                                            int64_t length, const core::ForwardMode& mode) {
  const core::LongConvConfig c = conv.config();
  return [=](const std::vector<double>& x, const DoubleParams& p) {
    std::vector<double> k = p[0];
    if (c.smooth) k = ref::smooth(k, c.length, c.smooth_window);
    k = ref::squash(k, static_cast<double>(c.squash_lambda));
    if (mode.training && c.kernel_dropout > 0.0f) {
      for (size_t i = 0; i < k.size(); ++i)
        k[i] *= core::dropout_factor(mode.seed, mode.step, c.dropout_stream, i, c.kernel_dropout);
    }
    return ref::long_conv(x, k, p[1], batch, length, c.channels, c.length, c.bidirectional);
  };
}

TEST(LongConvModule, GradientsMatchDoubleReference) {
  const Case cases[] = {{false, 10, true, 0.0f}, {false, 7, true, 0.0f},  {true, 10, true, 0.0f},
                        {true, 6, false, 0.0f},  {false, 10, true, 0.3f}, {true, 9, true, 0.3f},
                        {false, 14, true, 0.0f}, {true, 13, true, 0.0f}};
  for (const Case& k : cases) {
    core::LongConvConfig config;
    config.channels = 3;
    config.length = 10;
    config.bidirectional = k.bidirectional;
    config.smooth = k.smooth;
    config.kernel_dropout = k.dropout;
    config.dropout_stream = 5;
    core::LongConv conv("conv", config, 3);
    // Taps of ~0.1 rather than the init's 0.002, so that most clear the
    // squash threshold (some smoothed ones still fall in the dead zone).
    conv.kernel().value = random_normal(conv.kernel().value.shape(), 4, 0.0, 0.1);
    neuroseq_test::GradientCheckOptions o;
    o.mode = core::ForwardMode{.training = k.dropout > 0.0f, .seed = 11, .step = 2};
    EXPECT_TRUE(gradients_match(conv, random_normal({2, k.length, 3}, 5),
                                reference_of(conv, 2, k.length, o.mode), o))
        << "bidirectional " << k.bidirectional << ", length " << k.length << ", smooth " << k.smooth
        << ", dropout " << k.dropout;
  }
}

TEST(LongConvModule, SquashDeadZoneGetsExactlyZeroGradient) {
  core::LongConvConfig config = mixer_reference::unregularised_long_conv(2, 6);
  config.squash_lambda = 0.05f;
  core::LongConv conv("conv", config, 1);
  conv.kernel().value = core::Tensor::from_values(
      {2, 6}, {0.3f, 0.04f, -0.2f, -0.05f, 0.0f, 0.1f, -0.01f, 0.5f, 0.049f, -0.6f, 0.2f, -0.3f});
  core::Context ctx;
  const core::Tensor x = random_normal({2, 6, 2}, 3);
  conv.forward(x, ctx);
  conv.zero_grad();
  conv.backward(random_uniform({2, 6, 2}, 4), ctx);
  const auto k = conv.kernel().value.values();
  const auto g = conv.kernel().grad.values();
  for (size_t i = 0; i < k.size(); ++i) {
    if (std::abs(k[i]) <= 0.05f) {
      EXPECT_EQ(g[i], 0.0f) << "tap " << i;
    } else {
      EXPECT_NE(g[i], 0.0f) << "tap " << i;
    }
  }
}

TEST(LongConvModule, KernelDropoutFollowsSeedAndStepAndIsOffInEvaluation) {
  core::LongConvConfig config;
  config.channels = 4;
  config.length = 32;
  config.kernel_dropout = 0.5f;
  core::LongConv conv("conv", config, 2);
  const auto mask = [&](uint64_t seed, uint64_t step) {
    return to_double(conv.regularised_kernel({.training = true, .seed = seed, .step = step}).mask);
  };
  EXPECT_EQ(mask(1, 1), mask(1, 1));
  EXPECT_NE(mask(1, 1), mask(1, 2));
  EXPECT_NE(mask(1, 1), mask(2, 1));
  int dropped = 0;
  for (double f : mask(1, 1)) {
    EXPECT_TRUE(f == 0.0 || f == 2.0) << f;
    dropped += f == 0.0;
  }
  EXPECT_GT(dropped, 30);  // of 128 at p = 0.5
  EXPECT_LT(dropped, 98);
  EXPECT_TRUE(conv.regularised_kernel({}).mask.empty());
}

TEST(LongConvModule, ParametersCarryTheOptimiserSettings) {
  core::LongConvConfig config;
  config.channels = 8;
  config.length = 100;
  config.bidirectional = true;
  config.kernel_lr_scale = 0.25f;
  core::LongConv conv("enc.mixer", config, 7);
  const auto p = conv.parameters();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]->name, "enc.mixer.kernel");
  EXPECT_EQ(p[0]->value.shape(), core::Shape({8, 2, 100}));
  EXPECT_FALSE(p[0]->weight_decay);
  EXPECT_EQ(p[0]->lr_scale, 0.25f);
  EXPECT_EQ(p[1]->name, "enc.mixer.D");
  EXPECT_EQ(p[1]->value.shape(), core::Shape({8}));
  EXPECT_TRUE(p[1]->weight_decay);
  EXPECT_EQ(p[1]->lr_scale, 1.0f);
  // N(0, init_scale^2) taps: 1600 draws, sd of the sample sd ~3.5e-4.
  double ss = 0.0;
  for (float v : p[0]->value.values())
    ss += static_cast<double>(v) * v;
  EXPECT_NEAR(std::sqrt(ss / 1600.0), 0.02, 2e-3);
  // After smoothing and the squash most taps survive, so the kernel trains.
  const auto regularised = conv.regularised_kernel({});
  long alive = 0;
  for (float v : regularised.kernel.values())
    alive += v != 0.0f;
  EXPECT_GT(alive, 1600 / 2);
}

TEST(LongConvModule, RejectsBadShapesAndConfigs) {
  core::LongConv conv("mix", mixer_reference::unregularised_long_conv(4, 16), 1);
  core::Context ctx;
  EXPECT_EQ(neuroseq_test::error_of<std::invalid_argument>([&] {
              conv.forward(core::Tensor({2, 16, 3}), ctx);
            }),
            "mix: expected [B, L, 4], got [2, 16, 3]");
  EXPECT_EQ(neuroseq_test::error_of<std::invalid_argument>([&] {
              conv.forward(core::Tensor({16, 4}), ctx);
            }),
            "mix: expected [B, L, 4], got [16, 4]");
  core::LongConvConfig bad = mixer_reference::unregularised_long_conv(4, 16);
  bad.smooth = true;
  bad.smooth_window = 4;
  EXPECT_THROW(core::LongConv("bad", bad, 1), std::invalid_argument);
  bad = mixer_reference::unregularised_long_conv(0, 16);
  EXPECT_THROW(core::LongConv("bad", bad, 1), std::invalid_argument);
}

// ---- Relevance ----

TEST(LongConvLrp, EpsilonRuleMatchesContributionForm) {
  for (bool bidirectional : {false, true}) {
    core::LongConvConfig config;
    config.channels = 2;
    config.length = 8;
    config.bidirectional = bidirectional;
    core::LongConv conv("conv", config, 3);
    conv.kernel().value = random_normal(conv.kernel().value.shape(), 8, 0.0, 0.3);
    const core::Tensor x = random_normal({2, 8, 2}, 9);
    const core::Tensor r = random_uniform({2, 8, 2}, 10, 0.5, 1.5);
    const double eps = 0.05;
    core::Context ctx;
    conv.forward(x, ctx);
    const auto got = to_double(conv.relevance(r, ctx, epsilon_rule(eps)));

    // R_u[j] = sum_t u_j c[t, j] R_t / (z_t + eps sign z_t), c from the
    // regularised kernel, contribution by contribution.
    const auto rk = conv.regularised_kernel({});
    const auto k = to_double(rk.kernel);
    const auto d = to_double(conv.skip().value);
    const auto u = to_double(x);
    const auto rv = to_double(r);
    const auto z = ref::long_conv(u, k, d, 2, 8, 2, 8, bidirectional);
    std::vector<double> want(u.size(), 0.0);
    auto at = [](int64_t b, int64_t t, int64_t h) { return (b * 8 + t) * 2 + h; };
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t t = 0; t < 8; ++t) {
          const double zt = z[at(b, t, h)];
          const double s = rv[at(b, t, h)] / (zt + (zt >= 0 ? eps : -eps));
          want[at(b, t, h)] += d[h] * u[at(b, t, h)] * s;
          for (int64_t j = 0; j < 8; ++j) {
            double c = 0.0;
            if (j <= t) c = k[(h * (bidirectional ? 2 : 1)) * 8 + (t - j)];
            if (bidirectional && j > t) c = k[(h * 2 + 1) * 8 + (j - t - 1)];
            want[at(b, j, h)] += u[at(b, j, h)] * c * s;
          }
        }
    EXPECT_TRUE(neuroseq_test::close_to("relevance", got, want, 1e-4, 1e-5))
        << "bidirectional " << bidirectional;
  }
}

TEST(LongConvLrp, ConservesRelevance) {
  for (bool bidirectional : {false, true}) {
    core::LongConvConfig config;
    config.channels = 4;
    config.length = 64;
    config.bidirectional = bidirectional;
    core::LongConv conv("conv", config, 5);
    conv.kernel().value = random_normal(conv.kernel().value.shape(), 6, 0.0, 0.2);
    EXPECT_TRUE(relevance_conserved(conv, random_normal({2, 64, 4}, 7),
                                    random_uniform({2, 64, 4}, 8, 0.5, 1.5), epsilon_rule(1e-9)))
        << "bidirectional " << bidirectional;
  }
}

}  // namespace
