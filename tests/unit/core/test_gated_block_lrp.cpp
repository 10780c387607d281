// The gated long-convolution block: Gate and TimeMean on their own
// (gradients, relevance split, conservation), the golden conservative-LRP
// relevance of LayerNorm -> Linear -> gate(a, long conv(b)) -> GELU -> time
// mean -> Linear, and conservation through small encoder blocks with either
// mixer.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "core/nn/activations.h"
#include "core/nn/gate.h"
#include "core/nn/layer_norm.h"
#include "core/nn/linear.h"
#include "core/nn/long_conv.h"
#include "core/nn/s4d.h"
#include "core/nn/sequential.h"
#include "core/nn/time_pool.h"
#include "golden.h"
#include "gradient_check.h"
#include "mixer_reference.h"
#include "random_tensor.h"

namespace {

using neuroseq_test::DoubleParams;
using neuroseq_test::golden_array;
using neuroseq_test::gradients_match;
using neuroseq_test::matches_golden;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::relevance_conserved;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

core::LrpRule epsilon_rule(double eps, bool half_half = true) {
  core::LrpRule r;
  r.epsilon = eps;
  r.gate_half_half = half_half;
  return r;
}

// ---- Gate ----

TEST(Gate, GradientsMatchDoubleReference) {
  core::Gate plain("gate", 3);
  const auto product = [](const Vec& x, const DoubleParams&) {
    Vec y;
    for (size_t r = 0; r < x.size() / 6; ++r)
      for (size_t c = 0; c < 3; ++c)
        y.push_back(x[r * 6 + c] * x[r * 6 + 3 + c]);
    return y;
  };
  EXPECT_TRUE(gradients_match(plain, random_normal({2, 4, 6}, 1), product));

  // With a long convolution on the signal half: y = a * (k * b + D b).
  core::Gate gated("gate", 3,
                   std::make_unique<core::LongConv>(
                       "gate.conv", mixer_reference::unregularised_long_conv(3, 5), 2));
  const auto conv_product = [](const Vec& x, const DoubleParams& p) {
    Vec a, b;
    for (size_t r = 0; r < x.size() / 6; ++r)
      for (size_t c = 0; c < 3; ++c) {
        a.push_back(x[r * 6 + c]);
        b.push_back(x[r * 6 + 3 + c]);
      }
    Vec y = mixer_reference::long_conv(b, p[0], p[1], 2, 5, 3, 5, false);
    for (size_t i = 0; i < y.size(); ++i)
      y[i] *= a[i];
    return y;
  };
  dynamic_cast<core::LongConv*>(gated.branch())->kernel().value =
      random_normal({3, 5}, 3, 0.0, 0.3);
  EXPECT_TRUE(gradients_match(gated, random_normal({2, 5, 6}, 4), conv_product));
}

TEST(Gate, RelevanceSplitsHalfAndHalfOrAllToTheSignal) {
  core::Gate gate("gate", 2);
  const core::Tensor x = random_normal({3, 4}, 5);
  const core::Tensor r = random_uniform({3, 2}, 6, 0.5, 1.5);
  core::Context ctx;
  gate.forward(x, ctx);
  const auto half = to_double(gate.relevance(r, ctx, epsilon_rule(1e-9, true)));
  const auto constant = to_double(gate.relevance(r, ctx, epsilon_rule(1e-9, false)));
  const auto rv = to_double(r);
  for (size_t row = 0; row < 3; ++row)
    for (size_t c = 0; c < 2; ++c) {
      const double rr = rv[row * 2 + c];
      EXPECT_FLOAT_EQ(half[row * 4 + c], 0.5 * rr);
      EXPECT_FLOAT_EQ(half[row * 4 + 2 + c], 0.5 * rr);
      EXPECT_EQ(constant[row * 4 + c], 0.0);
      EXPECT_FLOAT_EQ(constant[row * 4 + 2 + c], rr);
    }
}

TEST(Gate, ConservesRelevanceThroughItsBranch) {
  core::Gate gate("gate", 4,
                  std::make_unique<core::LongConv>(
                      "gate.conv", mixer_reference::unregularised_long_conv(4, 32), 7));
  for (bool half_half : {true, false}) {
    EXPECT_TRUE(relevance_conserved(gate, random_normal({2, 32, 8}, 8),
                                    random_uniform({2, 32, 4}, 9, 0.5, 1.5),
                                    epsilon_rule(1e-9, half_half)))
        << "half_half " << half_half;
  }
}

// ---- TimeMean ----

TEST(TimeMean, GradientsAndRelevance) {
  core::TimeMean pool("pool");
  const auto mean = [](const Vec& x, const DoubleParams&) {
    Vec y(2 * 3, 0.0);
    for (size_t b = 0; b < 2; ++b)
      for (size_t t = 0; t < 5; ++t)
        for (size_t c = 0; c < 3; ++c)
          y[b * 3 + c] += x[(b * 5 + t) * 3 + c] / 5.0;
    return y;
  };
  const core::Tensor x = random_normal({2, 5, 3}, 10, 0.5, 1.0);
  EXPECT_TRUE(gradients_match(pool, x, mean));
  const core::Tensor r = random_uniform({2, 3}, 11, 0.5, 1.5);
  EXPECT_TRUE(relevance_conserved(pool, x, r, epsilon_rule(1e-9)));
  // Each step's share of its channel's mean.
  core::Context ctx;
  const auto y = to_double(pool.forward(x, ctx));
  const auto got = to_double(pool.relevance(r, ctx, epsilon_rule(0.0)));
  const auto xv = to_double(x);
  const auto rv = to_double(r);
  for (size_t b = 0; b < 2; ++b)
    for (size_t t = 0; t < 5; ++t)
      for (size_t c = 0; c < 3; ++c) {
        const size_t at = (b * 5 + t) * 3 + c;
        EXPECT_NEAR(got[at], xv[at] / 5.0 / y[b * 3 + c] * rv[b * 3 + c], 1e-5);
      }
}

// ---- The golden block ----

// Tolerance: the golden's float64 tolerance scaled to float32 by
// matches_golden (1e-6 of max(|want|, 1), i.e. 1e-6 absolute here since the
// values are below 1): the block runs in float from float-rounded inputs.
TEST(GatedBlockLrp, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("lrp_gated_long_conv_block.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto x = golden_array(in.at("x"));    // [L, P]
  const auto w1 = golden_array(in.at("W1"));  // [P, 2H]: h = x W1
  const auto k = golden_array(in.at("k"));    // [H, L]
  const auto w2 = golden_array(in.at("W2"));  // [H, K]: logits = m W2
  const int64_t l = x.shape[0], p = x.shape[1], h2 = w1.shape[1], h = h2 / 2, classes = w2.shape[1];
  const int64_t target = in.at("target").get<int64_t>();

  // Linear stores W [out, in]: the transposes of the golden's matrices.
  const auto transpose = [](const neuroseq_test::GoldenArray& a) {
    const int64_t rows = a.shape[0], cols = a.shape[1];
    Vec t(a.data.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        t[static_cast<size_t>(c * rows + r)] = a.data[static_cast<size_t>(r * cols + c)];
    return neuroseq_test::to_tensor(core::Shape{cols, rows}, t);
  };
  core::Sequential block("block");
  block.emplace<core::LayerNorm>("norm", p, in.at("layer_norm_eps").get<float>());
  block.emplace<core::Linear>("proj", p, h2, 1, false).weight().value = transpose(w1);
  // The projection's first half gates, its second half is convolved
  // (causal, no skip, no kernel regularisation).
  auto conv =
      std::make_unique<core::LongConv>("conv", mixer_reference::unregularised_long_conv(h, l), 2);
  conv->kernel().value = neuroseq_test::to_tensor(k.shape, k.data);
  conv->skip().value = core::Tensor({h});
  block.emplace<core::Gate>("gate", h, std::move(conv));
  block.emplace<core::Gelu>("gelu");
  block.emplace<core::TimeMean>("pool");
  block.emplace<core::Linear>("head", h, classes, 3, false).weight().value = transpose(w2);

  const core::Tensor input = neuroseq_test::to_tensor(core::Shape{1, l, p}, x.data);
  core::Context ctx;
  const core::Tensor logits = block.forward(input, ctx);  // [1, K]
  const auto& out = golden.at("outputs");
  EXPECT_TRUE(matches_golden("logits", to_double(logits), golden_array(out.at("logits")), tol));

  // Relevance starts at the target logit's value; LRP-0 (epsilon = 0) as
  // "input times modified gradient" is.
  core::Tensor start({1, classes});
  start.data()[target] = logits.data()[target];
  const core::Tensor relevance = block.relevance(start, ctx, epsilon_rule(0.0, true));
  EXPECT_TRUE(
      matches_golden("relevance", to_double(relevance), golden_array(out.at("relevance")), tol));
  double sum = 0.0;
  for (float v : relevance.values())
    sum += v;
  EXPECT_NEAR(sum, out.at("relevance_sum").get<double>(), 1e-6);
  EXPECT_NEAR(logits.data()[target], out.at("target_logit").get<double>(), 1e-6);

  core::Tensor onehot({1, classes});
  onehot.data()[target] = 1.0f;
  block.zero_grad();
  const core::Tensor grad = block.backward(onehot, ctx);
  EXPECT_TRUE(matches_golden("plain_gradient", to_double(grad),
                             golden_array(out.at("plain_gradient")), tol));
}

// ---- Conservation through an encoder block ----

// LayerNorm -> Linear(D -> 2H) -> Gate(a, mixer(b)) -> Linear(H -> D), zero
// biases and LayerNorm beta = 0, so nothing absorbs relevance.
std::unique_ptr<core::Sequential> encoder_block(std::unique_ptr<core::Module> mixer, int64_t d,
                                                int64_t h) {
  auto block = std::make_unique<core::Sequential>("block");
  auto& norm = block->emplace<core::LayerNorm>("norm", d);
  norm.gamma().value = random_uniform({d}, 21, 0.5, 1.5);
  block->emplace<core::Linear>("in_proj", d, 2 * h, 22, false);
  block->emplace<core::Gate>("gate", h, std::move(mixer));
  block->emplace<core::Linear>("out_proj", h, d, 23, false);
  return block;
}

TEST(GatedBlockLrp, EncoderBlockConservesRelevanceWithEitherMixer) {
  const int64_t d = 6, h = 4, l = 48;
  core::LongConvConfig conv_config;
  conv_config.channels = h;
  conv_config.length = l;
  auto conv = std::make_unique<core::LongConv>("mixer", conv_config, 24);
  conv->kernel().value = random_normal({h, l}, 25, 0.0, 0.2);
  core::S4DConfig s4d_config;
  s4d_config.channels = h;
  s4d_config.state_size = 16;
  auto blocks = std::vector<std::unique_ptr<core::Sequential>>{};
  blocks.push_back(encoder_block(std::move(conv), d, h));
  blocks.push_back(encoder_block(std::make_unique<core::S4D>("mixer", s4d_config, 26), d, h));
  for (auto& block : blocks) {
    for (bool half_half : {true, false}) {
      EXPECT_TRUE(relevance_conserved(*block, random_normal({2, l, d}, 27),
                                      random_uniform({2, l, d}, 28, 0.5, 1.5),
                                      epsilon_rule(1e-9, half_half)))
          << block->child(2).name() << " half_half " << half_half;
    }
  }
}

}  // namespace
