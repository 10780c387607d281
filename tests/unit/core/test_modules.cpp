// Forward and backward of the basic modules: every module's gradients (input
// and parameters) against finite differences of a double reference, golden
// values, initialisation, and the shape errors callers see.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/nn/activations.h"
#include "core/nn/layer_norm.h"
#include "core/nn/linear.h"
#include "core/nn/residual.h"
#include "core/nn/sequential.h"
#include "error_of.h"
#include "golden.h"
#include "gradient_check.h"
#include "nn_reference.h"
#include "random_tensor.h"
#include "small_stack.h"

namespace {

namespace ref = nn_reference;
using neuroseq_test::DoubleParams;
using neuroseq_test::error_of;
using neuroseq_test::gradients_match;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::to_double;

// ---- Linear ----

TEST(Linear, InitIsUniformWithinOneOverSqrtInAndReproducible) {
  core::Linear a("a", 64, 32, 7), b("b", 64, 32, 7), c("c", 64, 32, 8);
  const double bound = 1.0 / 8.0;
  double lo = 1.0, hi = -1.0, sum = 0.0;
  for (float v : a.weight().value.values()) {
    lo = std::min(lo, static_cast<double>(v));
    hi = std::max(hi, static_cast<double>(v));
    sum += v;
  }
  EXPECT_GE(lo, -bound);
  EXPECT_LE(hi, bound);
  // 2048 draws cover the interval and centre on zero (sd of the mean ~0.0016).
  EXPECT_LT(lo, -0.95 * bound);
  EXPECT_GT(hi, 0.95 * bound);
  EXPECT_NEAR(sum / 2048.0, 0.0, 0.01);
  for (float v : a.bias().value.values())
    EXPECT_LE(std::abs(v), bound);
  EXPECT_EQ(to_double(a.weight().value), to_double(b.weight().value));
  EXPECT_EQ(to_double(a.bias().value), to_double(b.bias().value));
  EXPECT_NE(to_double(a.weight().value), to_double(c.weight().value));
}

TEST(Linear, ParametersAreNamedAndOnlyTheWeightDecays) {
  core::Linear with("encoder.embed", 4, 3, 1), without("head", 4, 3, 1, false);
  const auto p = with.parameters();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]->name, "encoder.embed.weight");
  EXPECT_EQ(p[0]->value.shape(), core::Shape({3, 4}));
  EXPECT_TRUE(p[0]->weight_decay);
  EXPECT_EQ(p[1]->name, "encoder.embed.bias");
  EXPECT_FALSE(p[1]->weight_decay);
  EXPECT_EQ(without.parameters().size(), 1u);
}

DoubleParams::value_type none() {
  return {};
}

TEST(Linear, GradientsMatchDoubleReference) {
  for (bool bias : {true, false}) {
    core::Linear lin("proj", 5, 7, 3, bias);
    const auto reference = [&](const ref::Vec& x, const DoubleParams& p) {
      return ref::linear(x, p[0], bias ? p[1] : none(), 5, 7);
    };
    EXPECT_TRUE(gradients_match(lin, random_normal({2, 3, 5}, 11), reference)) << "bias " << bias;
  }
}

TEST(Linear, AcceptsAnyLeadingShape) {
  core::Linear lin("proj", 4, 2, 5);
  for (const core::Shape& s : {core::Shape{4}, core::Shape{3, 4}, core::Shape{2, 1, 3, 4}}) {
    core::Context ctx;
    const core::Tensor x = random_uniform(s, 2);
    const core::Tensor y = lin.forward(x, ctx);
    EXPECT_EQ(y.numel(), x.numel() / 4 * 2);
    EXPECT_EQ(y.size(y.rank() - 1), 2);
    EXPECT_EQ(y.rank(), s.rank());
  }
}

TEST(Linear, RejectsWrongWidthWithClearMessage) {
  core::Linear lin("proj", 64, 16, 1);
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              lin.forward(core::Tensor({8, 10, 32}), ctx);
            }),
            "proj: expected [.., 64], got [8, 10, 32]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { lin.forward(core::Tensor(), ctx); }),
            "proj: expected [.., 64], got []");
  lin.forward(core::Tensor({8, 10, 64}), ctx);
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              lin.backward(core::Tensor({8, 10, 64}), ctx);
            }),
            "proj backward: expected [8, 10, 16], got [8, 10, 64]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              lin.relevance(core::Tensor({8, 16}), ctx, core::LrpRule{});
            }),
            "proj relevance: expected [8, 10, 16], got [8, 16]");
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::Linear("bad", 0, 3, 1); }),
            "bad: features must be >= 1, got in 0, out 3");
}

TEST(Linear, BackwardAccumulatesParameterGradients) {
  core::Linear lin("proj", 3, 2, 9);
  const core::Tensor x = random_normal({4, 3}, 1);
  const core::Tensor g = random_normal({4, 2}, 2);
  core::Context ctx;
  lin.forward(x, ctx);
  lin.zero_grad();
  lin.backward(g, ctx);
  const auto once_w = to_double(lin.weight().grad);
  const auto once_b = to_double(lin.bias().grad);
  lin.backward(g, ctx);
  for (size_t i = 0; i < once_w.size(); ++i)
    EXPECT_FLOAT_EQ(lin.weight().grad.values()[i], 2.0f * static_cast<float>(once_w[i]));
  for (size_t i = 0; i < once_b.size(); ++i)
    EXPECT_FLOAT_EQ(lin.bias().grad.values()[i], 2.0f * static_cast<float>(once_b[i]));
}

TEST(Module, BackwardAndRelevanceNeedAForwardContext) {
  core::Linear lin("proj", 3, 2, 9);
  core::Context empty;
  EXPECT_EQ(error_of<std::logic_error>([&] {
              lin.backward(core::Tensor({1, 2}), empty);
            }),
            "proj: backward needs the context of a forward pass");
  EXPECT_EQ(error_of<std::logic_error>([&] {
              lin.relevance(core::Tensor({1, 2}), empty, core::LrpRule{});
            }),
            "proj: relevance needs the context of a forward pass");
}

// ---- LayerNorm ----

TEST(LayerNormModule, GradientsMatchDoubleReference) {
  core::LayerNorm norm("norm", 6);
  norm.gamma().value = random_uniform({6}, 4, 0.5, 1.5);
  norm.beta().value = random_uniform({6}, 5, -0.5, 0.5);
  const auto reference = [](const ref::Vec& x, const DoubleParams& p) {
    return ref::layer_norm(x, p[0], p[1], 6, 1e-5);
  };
  EXPECT_TRUE(gradients_match(norm, random_normal({2, 4, 6}, 3, 0.3, 1.2), reference));
}

TEST(LayerNormModule, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("layer_norm.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto x = neuroseq_test::golden_array(in.at("x"));
  const auto tensor = [&](const char* key) {
    const auto a = neuroseq_test::golden_array(in.at(key));
    return neuroseq_test::to_tensor(a.shape, a.data);
  };
  core::LayerNorm norm("norm", x.shape[1], in.at("eps").get<float>());
  norm.gamma().value = tensor("weight");
  norm.beta().value = tensor("bias");
  core::Context ctx;
  const core::Tensor y = norm.forward(tensor("x"), ctx);
  norm.zero_grad();
  const core::Tensor dx = norm.backward(tensor("dy"), ctx);
  const auto& out = golden.at("outputs");
  using neuroseq_test::golden_array;
  using neuroseq_test::matches_golden;
  EXPECT_TRUE(matches_golden("y", to_double(y), golden_array(out.at("y")), tol));
  EXPECT_TRUE(matches_golden("dx", to_double(dx), golden_array(out.at("dx")), tol));
  EXPECT_TRUE(matches_golden("dweight", to_double(norm.gamma().grad),
                             golden_array(out.at("dweight")), tol));
  EXPECT_TRUE(
      matches_golden("dbias", to_double(norm.beta().grad), golden_array(out.at("dbias")), tol));
}

TEST(LayerNormModule, ParametersSkipWeightDecayAndShapesAreChecked) {
  core::LayerNorm norm("enc.norm", 64);
  for (core::Parameter* p : norm.parameters())
    EXPECT_FALSE(p->weight_decay) << p->name;
  EXPECT_EQ(norm.parameters()[0]->name, "enc.norm.weight");
  EXPECT_EQ(norm.parameters()[1]->name, "enc.norm.bias");
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              norm.forward(core::Tensor({8, 10, 32}), ctx);
            }),
            "enc.norm: expected [.., 64], got [8, 10, 32]");
}

// ---- Activations ----

TEST(ActivationModules, GradientsMatchDoubleReference) {
  core::Gelu gelu;
  core::Silu silu;
  const core::Tensor x = random_normal({3, 7}, 8, 0.0, 2.0);
  EXPECT_TRUE(gradients_match(gelu, x,
                              [](const ref::Vec& v, const DoubleParams&) { return ref::gelu(v); }));
  EXPECT_TRUE(gradients_match(silu, x,
                              [](const ref::Vec& v, const DoubleParams&) { return ref::silu(v); }));
  EXPECT_TRUE(gelu.parameters().empty());
}

TEST(ActivationModules, MatchGolden) {
  const auto golden = neuroseq_test::load_golden("activations.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto xa = neuroseq_test::golden_array(golden.at("inputs").at("x"));
  const core::Tensor x = neuroseq_test::to_tensor(xa.shape, xa.data);
  const core::Tensor ones = core::Tensor::full(x.shape(), 1.0f);
  const auto& out = golden.at("outputs");
  core::Gelu gelu;
  core::Silu silu;
  for (auto [m, name] : {std::pair<core::Module*, std::string>{&gelu, "gelu"}, {&silu, "silu"}}) {
    core::Context ctx;
    const core::Tensor y = m->forward(x, ctx);
    const core::Tensor d = m->backward(ones, ctx);
    EXPECT_TRUE(neuroseq_test::matches_golden(name, to_double(y),
                                              neuroseq_test::golden_array(out.at(name)), tol));
    EXPECT_TRUE(neuroseq_test::matches_golden(
        "d" + name, to_double(d), neuroseq_test::golden_array(out.at("d" + name)), tol));
  }
}

// ---- Residual and Sequential ----

TEST(ResidualModule, GradientsMatchDoubleReference) {
  core::Residual res("block", std::make_unique<core::Linear>("block.proj", 4, 4, 6));
  const auto reference = [](const ref::Vec& x, const DoubleParams& p) {
    return ref::add(x, ref::linear(x, p[0], p[1], 4, 4));
  };
  EXPECT_TRUE(gradients_match(res, random_normal({2, 3, 4}, 9), reference));
  EXPECT_EQ(res.parameters().size(), 2u);
}

TEST(ResidualModule, RejectsABranchThatChangesTheShape) {
  core::Residual res("block", std::make_unique<core::Linear>("block.proj", 4, 5, 6));
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              res.forward(core::Tensor({2, 4}), ctx);
            }),
            "block: branch block.proj maps [2, 4] to [2, 5], expected the input shape");
  // A wrong input is reported by the branch that needs the width.
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              res.forward(core::Tensor({2, 3}), ctx);
            }),
            "block.proj: expected [.., 4], got [2, 3]");
}

TEST(SequentialModule, ChainsShapesParametersAndErrors) {
  core::Sequential seq("mlp");
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              seq.forward(core::Tensor({2, 4}), ctx);
            }),
            "mlp: has no modules to run");
  seq.emplace<core::Linear>("mlp.up", 4, 9, 1);
  seq.emplace<core::Gelu>("mlp.gelu");
  seq.emplace<core::Linear>("mlp.down", 9, 3, 2);
  EXPECT_EQ(seq.size(), 3u);
  EXPECT_EQ(seq.output_shape_for({2, 7, 4}), core::Shape({2, 7, 3}));
  const auto params = seq.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0]->name, "mlp.up.weight");
  EXPECT_EQ(params[3]->name, "mlp.down.bias");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              seq.forward(core::Tensor({2, 5}), ctx);
            }),
            "mlp.up: expected [.., 4], got [2, 5]");
  EXPECT_EQ(seq.forward(core::Tensor({2, 7, 4}), ctx).shape(), core::Shape({2, 7, 3}));
}

TEST(SmallStack, GradientsMatchDoubleReference) {
  const small_stack::Dims d;
  for (bool bias : {true, false}) {
    auto stack = small_stack::make(d, bias, 20);
    const auto reference = [&](const ref::Vec& x, const DoubleParams& p) {
      return small_stack::reference(x, p, d, bias);
    };
    EXPECT_TRUE(gradients_match(*stack, random_normal({2, 3, d.in}, 21), reference))
        << "bias " << bias;
  }
}

TEST(SmallStack, FloatDifferencesAgreeWithBackward) {
  // The fallback check for modules without a double reference, exercised on
  // a stack whose gradients the reference test above pins down.
  const small_stack::Dims d;
  auto stack = small_stack::make(d, true, 30);
  EXPECT_TRUE(neuroseq_test::gradients_match_float(*stack, random_normal({2, 2, d.in}, 31)));
}

}  // namespace
