// The sequence encoder as a whole: input and parameter gradients (time
// embedding and mask vector included) against finite differences for every
// mixer, with and without dropout; relevance conservation through the whole
// encoder; causality and masking; the time embedding's interpolation; and
// the shape checks. (The config's JSON form: test_trainer.cpp.)

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/models/encoder.h"
#include "core/models/encoder_config.h"
#include "core/models/time_embedding.h"
#include "error_of.h"
#include "gradient_check.h"
#include "random_tensor.h"
#include "zero_biases.h"

namespace {

using core::MixerKind;
using neuroseq_test::error_of;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::to_double;

constexpr int64_t kB = 2, kL = 6, kP = 5, kD = 8;
constexpr MixerKind kMixers[] = {MixerKind::kLongConv, MixerKind::kS4D, MixerKind::kHyena,
                                 MixerKind::kAttention};

// Small and smooth: no squash dead zone (lambda 0), so that finite
// differences see the same function as backward.
core::EncoderConfig small_config(MixerKind mixer, bool bidirectional = false, int64_t layers = 1) {
  core::EncoderConfig c;
  c.parcels = kP;
  c.dim = kD;
  c.layers = layers;
  c.mixer = mixer;
  c.dropout = 0.0f;
  c.max_frames = 8;
  c.max_seconds = 8.0;
  c.bidirectional = bidirectional;
  c.squash_lambda = 0.0f;
  c.smooth_window = 3;
  c.s4d_state = 4;
  c.heads = 2;
  c.hyena_filter_width = 8;
  return c;
}

// Moves parameters off values that would hide a wrong gradient: LayerNorm
// gains off 1, long-conv kernels well above their N(0, 0.002) start, and a
// time table whose rows differ visibly.
void perturb(core::Encoder& encoder, uint64_t seed) {
  for (core::Parameter* p : encoder.parameters()) {
    if (p->name.ends_with("norm.weight"))
      p->value = random_uniform(p->value.shape(), ++seed, 0.5, 1.5);
    if (p->name.ends_with(".kernel")) p->value = random_normal(p->value.shape(), ++seed, 0.0, 0.2);
  }
  encoder.time_embedding().table().value =
      random_normal(encoder.time_embedding().table().value.shape(), ++seed, 0.0, 0.3);
}

// The encoder seen as a Module of x alone, with fixed times and mask, so that
// the repository's gradient and conservation checks apply to it.
class EncoderOfX final : public core::Module {
 public:
  EncoderOfX(core::Encoder& encoder, core::Tensor seconds, std::vector<uint8_t> masked)
      : Module("encoder"), encoder_(encoder), seconds_(seconds), masked_(std::move(masked)) {}

 protected:
  void check_input(const core::Tensor&) const override {}
  core::Shape output_shape(const core::Shape& in) const override {
    return {in[0], in[1], encoder_.config().dim};
  }
  core::Tensor forward_impl(const core::Tensor& x, core::Context& ctx) override {
    ctx.children.resize(1);
    return encoder_.forward({x, seconds_, masked_}, ctx.children[0], ctx.mode);
  }
  core::Tensor backward_impl(const core::Tensor& g, const core::Context& ctx) override {
    return encoder_.backward(g, ctx.children[0]);
  }
  core::Tensor relevance_impl(const core::Tensor& r, const core::Context& ctx,
                              const core::LrpRule& rule) override {
    return encoder_.relevance(r, ctx.children[0], rule);
  }
  void collect_parameters(std::vector<core::Parameter*>& out) override {
    for (core::Parameter* p : encoder_.parameters())
      out.push_back(p);
  }

 private:
  core::Encoder& encoder_;
  core::Tensor seconds_;
  std::vector<uint8_t> masked_;
};

// Backward against central differences (step 1e-2) of the float encoder,
// loss sum(y G), G ~ U(-1, 1): |analytic - numeric| <= 2e-2 |numeric| +
// 2e-3 max|numeric| + 1e-4, the last term the loss's float rounding (~1e-6)
// over 2h, for parameters with tiny gradients (S4D's and Hyena's kernel
// generators, attention's key bias whose gradient is exactly 0). All of x and
// of the encoder's own parameters; four spread elements of each block
// parameter (their module tests check them whole; long convolutions start a
// thread per call).
::testing::AssertionResult gradients_match(core::Module& m, const core::Tensor& x,
                                           const core::ForwardMode& mode = {}) {
  constexpr double kStep = 1e-2, kRtol = 2e-2, kAtol = 2e-3, kFloor = 1e-4;
  core::Context ctx;
  const core::Tensor y = m.forward(x, ctx, mode);
  const std::vector<double> g = to_double(random_uniform(y.shape(), 99));
  m.zero_grad();
  const core::Tensor gx = m.backward(neuroseq_test::to_tensor(y.shape(), g), ctx);
  core::Tensor xp = x.clone();
  const auto loss = [&] {
    core::Context c;
    const core::Tensor out = m.forward(xp, c, mode);
    const auto v = out.values();
    double s = 0.0;
    for (size_t i = 0; i < v.size(); ++i)
      s += v[i] * g[i];
    return s;
  };
  std::ostringstream why;
  int failures = 0;
  const auto check = [&](const std::string& what, float* v, const float* analytic, int64_t n,
                         bool all) {
    std::vector<int64_t> at;
    for (int64_t i = 0; i < n; ++i)
      if (all || n <= 4 || i % ((n + 3) / 4) == 0) at.push_back(i);
    std::vector<double> numeric;
    for (int64_t i : at) {
      const float keep = v[i];
      v[i] = static_cast<float>(keep + kStep);
      const double up_at = v[i], up = loss();
      v[i] = static_cast<float>(keep - kStep);
      const double down_at = v[i], down = loss();
      v[i] = keep;
      numeric.push_back((up - down) / (up_at - down_at));
    }
    double scale = 0.0;
    for (double d : numeric)
      scale = std::max(scale, std::abs(d));
    for (size_t k = 0; k < at.size(); ++k) {
      const double err = std::abs(analytic[at[k]] - numeric[k]);
      if (err <= kRtol * std::abs(numeric[k]) + kAtol * scale + kFloor) continue;
      if (++failures <= 8) {
        why << "d/d" << what << "[" << at[k] << "]: got " << analytic[at[k]] << ", expected "
            << numeric[k] << "\n";
      }
    }
  };
  check("x", xp.data(), gx.data(), xp.numel(), true);
  for (core::Parameter* p : m.parameters()) {
    const bool own = p->name.find(".blocks.") == std::string::npos;
    check(p->name, p->value.data(), p->grad.data(), p->value.numel(), own);
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why.str() << failures << " elements outside tolerance";
}

// TRs of 0.7 s and 1.3 s: every frame but the first falls between two bins.
core::Tensor small_seconds() {
  const std::vector<double> tr{0.7, 1.3};
  return core::elapsed_seconds(tr, kL);
}

// Frames 1 and 4 of window 0 and frame 2 of window 1.
std::vector<uint8_t> small_mask() {
  std::vector<uint8_t> m(kB * kL, 0);
  m[1] = m[4] = m[kL + 2] = 1;
  return m;
}

double norm_of(const core::Tensor& t) {
  double s = 0.0;
  for (float v : t.values())
    s += static_cast<double>(v) * v;
  return std::sqrt(s);
}

class EncoderGradients : public ::testing::TestWithParam<MixerKind> {};

TEST_P(EncoderGradients, MatchFiniteDifferences) {
  const MixerKind mixer = GetParam();
  for (bool masked : {false, true}) {
    core::Encoder encoder(small_config(mixer), 11);
    perturb(encoder, 100);
    EncoderOfX module(encoder, small_seconds(), masked ? small_mask() : std::vector<uint8_t>{});
    const core::Tensor x = random_normal({kB, kL, kP}, 12);
    EXPECT_TRUE(gradients_match(module, x)) << "masked " << masked;
    // Attention's key bias adds q.b to all scores of a query, which the
    // softmax cancels: its gradient is zero.
    for (core::Parameter* p : encoder.parameters()) {
      if (p->name.ends_with("k_proj.bias")) {
        EXPECT_LT(norm_of(p->grad), 1e-6) << p->name;
      }
    }
    // Both extra parameters are live: a zero gradient would pass trivially.
    EXPECT_GT(norm_of(encoder.time_embedding().table().grad), 1e-3);
    if (masked) {
      EXPECT_GT(norm_of(encoder.mask_vector().grad), 1e-3);
    } else {
      EXPECT_EQ(norm_of(encoder.mask_vector().grad), 0.0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMixer, EncoderGradients, ::testing::ValuesIn(kMixers),
                         [](const auto& info) {
                           return std::string(core::mixer_name(info.param));
                         });

TEST(EncoderGradientsAlso, MatchWithBidirectionalConvAndWithDropoutWhileTraining) {
  core::EncoderConfig bi = small_config(MixerKind::kLongConv, true, 2);
  core::Encoder bidirectional(bi, 21);
  perturb(bidirectional, 200);
  EncoderOfX of_bi(bidirectional, small_seconds(), small_mask());
  EXPECT_TRUE(gradients_match(of_bi, random_normal({kB, kL, kP}, 22)));

  // Dropout everywhere (embedding, mixer, MLP, conv kernel): (seed, step) fix
  // every mask, so the function differentiated is deterministic.
  for (MixerKind mixer : {MixerKind::kLongConv, MixerKind::kAttention}) {
    core::EncoderConfig c = small_config(mixer);
    c.dropout = 0.3f;
    c.kernel_dropout = 0.2f;
    core::Encoder encoder(c, 23);
    perturb(encoder, 300);
    EncoderOfX module(encoder, small_seconds(), small_mask());
    const core::ForwardMode training{.training = true, .seed = 7, .step = 3};
    const core::Tensor x = random_normal({kB, kL, kP}, 24);
    EXPECT_TRUE(gradients_match(module, x, training)) << core::mixer_name(mixer);
    // Training mode really drops: the output differs from evaluation.
    core::Context a, b;
    const auto train = to_double(module.forward(x, a, training));
    EXPECT_NE(train, to_double(module.forward(x, b, {})));
  }
}

void zero_biases(core::Encoder& encoder) {
  neuroseq_test::zero_encoder_biases(encoder.parameters(), encoder);
}

core::LrpRule tiny_epsilon() {
  core::LrpRule r;
  r.epsilon = 1e-9;
  return r;
}

TEST(EncoderLrp, ConservesThroughTheWholeEncoderWithZeroBiases) {
  // Every mixer's module conserves with zero biases (see test_long_conv_module,
  // test_s4d, test_hyena, test_causal_attention), GELU and dropout pass
  // relevance unchanged, residuals and LayerNorm (beta 0) conserve: so does
  // the stack.
  for (MixerKind mixer : kMixers) {
    for (bool bidirectional : {false, true}) {
      if (bidirectional && mixer != MixerKind::kLongConv) continue;
      core::Encoder encoder(small_config(mixer, bidirectional, 2), 31);
      perturb(encoder, 400);
      zero_biases(encoder);
      EncoderOfX module(encoder, small_seconds(), {});
      const core::Tensor x = random_normal({kB, kL, kP}, 32);
      const core::Tensor r = random_uniform({kB, kL, kD}, 33, 0.5, 1.5);
      EXPECT_TRUE(neuroseq_test::relevance_conserved(module, x, r, tiny_epsilon()))
          << core::mixer_name(mixer) << " bidirectional " << bidirectional;
    }
  }
}

TEST(EncoderLrp, TimeEmbeddingAndMaskVectorAbsorbRelevanceAsBiases) {
  core::Encoder encoder(small_config(MixerKind::kS4D), 41);
  perturb(encoder, 500);
  zero_biases(encoder);
  const core::Tensor x = random_normal({kB, kL, kP}, 42);
  const core::Tensor r = random_uniform({kB, kL, kD}, 43, 0.5, 1.5);
  // Masked frames: the parcels there never reach the output, so they get no
  // relevance at all, and the mask vector keeps what reached those frames.
  EncoderOfX masked(encoder, small_seconds(), small_mask());
  core::Context ctx;
  masked.forward(x, ctx);
  const core::Tensor rx = masked.relevance(r, ctx, tiny_epsilon());
  const auto mask = small_mask();
  for (int64_t i = 0; i < kB * kL; ++i)
    for (int64_t p = 0; p < kP; ++p)
      if (mask[i]) {
        EXPECT_EQ(rx.data()[i * kP + p], 0.0f) << "frame " << i;
      }
  EXPECT_FALSE(neuroseq_test::relevance_conserved(masked, x, r, tiny_epsilon()));
  // A non-zero time table: the time embedding keeps a share too.
  encoder.time_embedding().table().value = random_normal({9, kD}, 44, 0.0, 0.5);
  EncoderOfX timed(encoder, small_seconds(), {});
  EXPECT_FALSE(neuroseq_test::relevance_conserved(timed, x, r, tiny_epsilon()));
}

TEST(EncoderBehaviour, CausalMixersNeverSeeFutureFramesAndMaskedFramesAreHidden) {
  const core::Tensor x = random_normal({kB, kL, kP}, 51);
  core::Tensor later = x.clone();  // the last frame of each window changed
  for (int64_t b = 0; b < kB; ++b)
    for (int64_t p = 0; p < kP; ++p)
      later.data()[(b * kL + kL - 1) * kP + p] += 1.0f;
  for (MixerKind mixer : kMixers) {
    for (bool bidirectional : {false, true}) {
      if (bidirectional && mixer != MixerKind::kLongConv) continue;
      core::Encoder encoder(small_config(mixer, bidirectional, 2), 52);
      perturb(encoder, 600);
      ASSERT_EQ(encoder.config().causal(), !bidirectional);
      core::Context c1, c2;
      const auto y = to_double(encoder.forward({x, small_seconds(), {}}, c1));
      const auto y2 = to_double(encoder.forward({later, small_seconds(), {}}, c2));
      double before_last = 0.0, at_last = 0.0;  // largest change
      for (int64_t b = 0; b < kB; ++b)
        for (int64_t t = 0; t < kL; ++t)
          for (int64_t c = 0; c < kD; ++c) {
            const size_t i = static_cast<size_t>((b * kL + t) * kD + c);
            double& worst = t + 1 < kL ? before_last : at_last;
            worst = std::max(worst, std::abs(y[i] - y2[i]));
          }
      EXPECT_GT(at_last, 1e-2) << core::mixer_name(mixer);
      if (bidirectional) {
        EXPECT_GT(before_last, 1e-2) << "the bidirectional conv looks ahead";
      } else {
        EXPECT_LT(before_last, 1e-5) << core::mixer_name(mixer) << " leaks the future";
      }
    }
  }
  // What a masked frame holds does not reach the output.
  core::Encoder encoder(small_config(MixerKind::kHyena), 53);
  core::Tensor hidden = x.clone();
  hidden.data()[1 * kP + 2] = 100.0f;  // frame 1 of window 0 is masked
  core::Context c1, c2;
  EXPECT_EQ(to_double(encoder.forward({x, small_seconds(), small_mask()}, c1)),
            to_double(encoder.forward({hidden, small_seconds(), small_mask()}, c2)));
}

TEST(TimeEmbedding, InterpolatesBetweenNeighbouringRowsAndClampsPastTheEnd) {
  // Bins every 2 s: rows at 0, 2, 4, 6, 8 s. 3 s is half way from row 1 to
  // row 2, 5.5 s is 2.75 bins, the last bin's time and beyond read row 4.
  core::TimeEmbedding time("time", 5, 3, 2.0, 61);
  const core::Tensor seconds = core::Tensor::from_values({1, 5}, {0.0f, 3.0f, 5.5f, 8.0f, 30.0f});
  const std::vector<std::pair<size_t, double>> taps[] = {
      {{0, 1.0}}, {{1, 0.5}, {2, 0.5}}, {{2, 0.25}, {3, 0.75}}, {{4, 1.0}}, {{4, 1.0}}};
  // The table's gradient is the transpose of the same interpolation.
  const core::Tensor g = random_normal({1, 5, 3}, 62);
  time.accumulate_grad(g, seconds);
  const auto table = to_double(time.table().value), gd = to_double(g);
  std::vector<double> want(15, 0.0), want_grad(15, 0.0);
  for (size_t t = 0; t < 5; ++t)
    for (auto [r, w] : taps[t])
      for (size_t c = 0; c < 3; ++c) {
        want[t * 3 + c] += w * table[r * 3 + c];
        want_grad[r * 3 + c] += w * gd[t * 3 + c];
      }
  EXPECT_TRUE(neuroseq_test::close_to("lookup", to_double(time.lookup(seconds)), want, 1e-6, 1e-7));
  EXPECT_TRUE(
      neuroseq_test::close_to("table grad", to_double(time.table().grad), want_grad, 1e-6, 1e-7));
}

TEST(TimeEmbedding, RejectsNegativeAndNonFiniteTimes) {
  core::TimeEmbedding time("time", 5, 3, 2.0, 63);
  for (float bad :
       {-0.5f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    const core::Tensor seconds = core::Tensor::from_values({1, 2}, {0.0f, bad});
    EXPECT_NE(error_of<std::invalid_argument>([&] {
                time.lookup(seconds);
              }).find("time: elapsed time must be finite and >= 0"),
              std::string::npos)
        << bad;
  }
  core::Tensor h({1, 2, 4});
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              time.add_to(h, core::Tensor({1, 2}));
            }).find("expected [B, L, 3]"),
            std::string::npos);
  EXPECT_THROW(core::TimeEmbedding("t", 1, 3, 1.0, 1), std::invalid_argument);
}

TEST(EncoderChecks, RejectBatchesOfTheWrongShapeNamingTheProblem) {
  core::Encoder encoder(small_config(MixerKind::kLongConv), 71);
  const auto error = [&](const core::WindowBatch& batch) {
    return error_of<std::invalid_argument>([&] {
      core::Context ctx;
      encoder.forward(batch, ctx);
    });
  };
  const core::Tensor seconds = small_seconds();
  EXPECT_EQ(error({core::Tensor({kB, kL, 4}), seconds, {}}),
            "encoder: expected windows [B, L <= 8, 5 parcels], got [2, 6, 4]");
  EXPECT_EQ(error({core::Tensor({kB, 9, kP}), core::Tensor({kB, 9}), {}}),
            "encoder: expected windows [B, L <= 8, 5 parcels], got [2, 9, 5]");
  EXPECT_EQ(error({core::Tensor({kB, kL, kP}), core::Tensor({kB, kL - 1}), {}}),
            "encoder: expected elapsed times [2, 6], got [2, 5]");
  EXPECT_EQ(error({core::Tensor({kB, kL, kP}), seconds, std::vector<uint8_t>(kL, 1)}),
            "encoder: the mask needs one flag per frame of the batch");
  core::Tensor negative = seconds.clone();
  negative.data()[3] = -1.0f;
  EXPECT_NE(error({core::Tensor({kB, kL, kP}), negative, {}}).find("elapsed time"),
            std::string::npos);
  // backward: a gradient of the output's shape, from a forward pass.
  core::Context ctx, none;
  encoder.forward({core::Tensor({kB, kL, kP}), seconds, {}}, ctx);
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              encoder.backward(core::Tensor({kB, kL, 7}), ctx);
            }),
            "encoder.final_norm backward: expected [2, 6, 8], got [2, 6, 7]");
  EXPECT_THROW(encoder.backward(core::Tensor({kB, kL, kD}), none), std::logic_error);
  EXPECT_THROW(encoder.relevance(core::Tensor({kB, kL, kD}), none, {}), std::logic_error);
}

}  // namespace
