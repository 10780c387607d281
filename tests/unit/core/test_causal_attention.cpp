// Causal multi-head self-attention: gradients of the input and of every
// projection against finite differences of a double reference written here,
// causality, the projection-free core against golden values, and relevance
// (attention weights held constant) against its contribution form and for
// conservation with zero biases.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/nn/attention_core.h"
#include "core/nn/causal_attention.h"
#include "error_of.h"
#include "finite_difference.h"
#include "golden.h"
#include "gradient_check.h"
#include "nn_reference.h"
#include "random_tensor.h"

namespace {

namespace ref = nn_reference;
using neuroseq_test::DoubleParams;
using neuroseq_test::error_of;
using neuroseq_test::gradients_match;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::relevance_conserved;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

// Causal softmax attention in double, from the definition: per batch, head
// and query t, softmax over keys j <= t of <q_t, k_j> / sqrt(head_dim).
// Returns o [B, L, D]; `weights` (if given) receives P [B, H, L, L].
Vec attention_reference(const Vec& q, const Vec& k, const Vec& v, int64_t B, int64_t L, int64_t D,
                        int64_t H, Vec* weights = nullptr) {
  const int64_t dh = D / H;
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  Vec o(q.size(), 0.0);
  if (weights) weights->assign(static_cast<size_t>(B * H * L * L), 0.0);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t h = 0; h < H; ++h) {
      for (int64_t t = 0; t < L; ++t) {
        Vec s(static_cast<size_t>(t + 1));
        for (int64_t j = 0; j <= t; ++j) {
          double dot = 0.0;
          for (int64_t c = 0; c < dh; ++c)
            dot += q[(b * L + t) * D + h * dh + c] * k[(b * L + j) * D + h * dh + c];
          s[j] = dot * scale;
        }
        const double mx = *std::max_element(s.begin(), s.end());
        double total = 0.0;
        for (double& e : s) {
          e = std::exp(e - mx);
          total += e;
        }
        for (int64_t j = 0; j <= t; ++j) {
          const double p = s[j] / total;
          if (weights) (*weights)[((b * H + h) * L + t) * L + j] = p;
          for (int64_t c = 0; c < dh; ++c)
            o[(b * L + t) * D + h * dh + c] += p * v[(b * L + j) * D + h * dh + c];
        }
      }
    }
  }
  return o;
}

// The whole module in double; params in parameters() order: weight and bias
// of q, k, v, out, or the weights alone without biases.
Vec module_reference(const Vec& x, const DoubleParams& p, int64_t B, int64_t L, int64_t D,
                     int64_t H) {
  const bool bias = p.size() == 8;
  const auto proj = [&](const Vec& in, int i) {
    return bias ? ref::linear(in, p[2 * i], p[2 * i + 1], D, D)
                : ref::linear(in, p[i], Vec{}, D, D);
  };
  return proj(attention_reference(proj(x, 0), proj(x, 1), proj(x, 2), B, L, D, H), 3);
}

core::LrpRule epsilon_rule(double eps) {
  core::LrpRule r;
  r.kind = core::LrpRule::Kind::kEpsilon;
  r.epsilon = eps;
  return r;
}

TEST(CausalAttention, GradientsMatchDoubleReference) {
  constexpr int64_t B = 2, L = 5, D = 6;
  for (int64_t heads : {1, 2, 3}) {
    core::CausalAttention att("att", D, heads, 17, false);
    const auto reference = [&](const Vec& x, const DoubleParams& p) {
      return module_reference(x, p, B, L, D, heads);
    };
    EXPECT_TRUE(gradients_match(att, random_normal({B, L, D}, 5), reference)) << "heads " << heads;
  }
}

// The key bias adds <q_t, b_k> to every score of row t, which the softmax
// cancels: its gradient is zero, where a relative check has no scale to
// measure against. The other biases are checked against finite differences.
TEST(CausalAttention, BiasGradientsMatchAndTheKeyBiasHasNone) {
  constexpr int64_t B = 2, L = 5, D = 6, H = 2;
  core::CausalAttention att("att", D, H, 17);
  const core::Tensor x = random_normal({B, L, D}, 5);
  core::Context ctx;
  const core::Tensor y = att.forward(x, ctx);
  const core::Tensor g = random_uniform(y.shape(), 99);
  att.zero_grad();
  att.backward(g, ctx);
  const auto ps = att.parameters();
  DoubleParams params;
  for (core::Parameter* p : ps)
    params.push_back(to_double(p->value));
  const Vec xd = to_double(x), gd = to_double(g);
  double largest = 0.0;
  for (size_t k : {1u, 5u, 7u}) {
    const auto loss = [&](const Vec& v) {
      DoubleParams moved = params;
      moved[k] = v;
      const Vec out = module_reference(xd, moved, B, L, D, H);
      double s = 0.0;
      for (size_t i = 0; i < out.size(); ++i)
        s += out[i] * gd[i];
      return s;
    };
    const Vec numeric = neuroseq_test::numeric_gradient(loss, params[k]);
    EXPECT_TRUE(neuroseq_test::close_to(ps[k]->name, to_double(ps[k]->grad), numeric));
    for (double v : numeric)
      largest = std::max(largest, std::abs(v));
  }
  for (float v : ps[3]->grad.values())
    EXPECT_LE(std::abs(v), 1e-6 * largest) << ps[3]->name;
}

TEST(CausalAttention, ParametersAreTheFourProjections) {
  core::CausalAttention att("enc.attn", 8, 2, 1);
  const auto p = att.parameters();
  ASSERT_EQ(p.size(), 8u);
  EXPECT_EQ(p[0]->name, "enc.attn.q_proj.weight");
  EXPECT_EQ(p[3]->name, "enc.attn.k_proj.bias");
  EXPECT_EQ(p[4]->name, "enc.attn.v_proj.weight");
  EXPECT_EQ(p[7]->name, "enc.attn.out_proj.bias");
  // Each projection draws its own values.
  EXPECT_NE(to_double(att.q_proj().weight().value), to_double(att.k_proj().weight().value));
  EXPECT_EQ(core::CausalAttention("no_bias", 8, 2, 1, false).parameters().size(), 4u);
}

TEST(CausalAttention, OutputBeforeTDoesNotDependOnInputAtT) {
  constexpr int64_t B = 2, L = 7, D = 8;
  core::CausalAttention att("att", D, 2, 3);
  const core::Tensor x = random_normal({B, L, D}, 4);
  for (int64_t t0 : {int64_t{0}, int64_t{3}, L - 1}) {
    core::Tensor moved = x.clone();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t c = 0; c < D; ++c)
        moved.data()[(b * L + t0) * D + c] += 2.5f;
    core::Context c1, c2;
    const core::Tensor y1 = att.forward(x, c1);
    const core::Tensor y2 = att.forward(moved, c2);
    for (int64_t b = 0; b < B; ++b) {
      double change_after = 0.0;
      for (int64_t t = 0; t < L; ++t) {
        for (int64_t c = 0; c < D; ++c) {
          const int64_t i = (b * L + t) * D + c;
          if (t < t0) {
            EXPECT_EQ(y1.data()[i], y2.data()[i]) << "t0 " << t0 << " t " << t;
          } else {
            change_after += std::abs(y1.data()[i] - y2.data()[i]);
          }
        }
      }
      EXPECT_GT(change_after, 1e-3) << "t0 " << t0;
    }
  }
}

// Golden values of the projection-free core (float64 PyTorch). The float32
// result cannot reach the file's float64 tolerance; matches_golden scales it
// to float32 (1e-6 of max(|want|, 1), see golden.h), which covers the
// rounding of the inputs and of the softmax, dot products and sums here.
TEST(CausalAttentionCore, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("causal_attention.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto tensor = [&](const char* key) {
    const auto a = neuroseq_test::golden_array(in.at(key));
    return neuroseq_test::to_tensor(a.shape, a.data);
  };
  const int64_t heads = in.at("heads").get<int64_t>();
  const core::Tensor q = tensor("q"), k = tensor("k"), v = tensor("v");
  const core::AttentionForward f = core::causal_attention_forward(q, k, v, heads);
  const core::AttentionGrads g =
      core::causal_attention_backward(q, k, v, f.probs, tensor("do"), heads);
  const auto& out = golden.at("outputs");
  using neuroseq_test::golden_array;
  using neuroseq_test::matches_golden;
  EXPECT_TRUE(matches_golden("o", to_double(f.out), golden_array(out.at("o")), tol));
  EXPECT_TRUE(matches_golden("dq", to_double(g.dq), golden_array(out.at("dq")), tol));
  EXPECT_TRUE(matches_golden("dk", to_double(g.dk), golden_array(out.at("dk")), tol));
  EXPECT_TRUE(matches_golden("dv", to_double(g.dv), golden_array(out.at("dv")), tol));
}

TEST(CausalAttentionCore, WeightsAreCausalRowsSummingToOne) {
  const core::Tensor q = random_normal({2, 6, 4}, 1), k = random_normal({2, 6, 4}, 2),
                     v = random_normal({2, 6, 4}, 3);
  const core::AttentionForward f = core::causal_attention_forward(q, k, v, 2);
  ASSERT_EQ(f.probs.shape(), core::Shape({2, 2, 6, 6}));
  Vec want;
  attention_reference(to_double(q), to_double(k), to_double(v), 2, 6, 4, 2, &want);
  EXPECT_TRUE(neuroseq_test::close_to("P", to_double(f.probs), want, 1e-5, 1e-6));
  for (int64_t row = 0; row < 2 * 2 * 6; ++row) {
    const int64_t t = row % 6;
    double sum = 0.0;
    for (int64_t j = 0; j < 6; ++j) {
      const float p = f.probs.data()[row * 6 + j];
      if (j > t) {
        EXPECT_EQ(p, 0.0f);
      }
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
}

TEST(CausalAttentionCore, RejectsMismatchedShapes) {
  const core::Tensor q({1, 4, 6});
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              core::causal_attention_forward(q, q, core::Tensor({1, 3, 6}), 2);
            }),
            "causal_attention: v: expected [1, 4, 6], got [1, 3, 6]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { core::causal_attention_forward(q, q, q, 4); }),
            "causal_attention: heads: expected a divisor of D = 6, got 4");
}

TEST(CausalAttention, RejectsBadShapesWithClearMessages) {
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::CausalAttention("att", 6, 4, 1); }),
            "att: heads must divide dim, got dim 6, heads 4");
  core::CausalAttention att("att", 6, 2, 1);
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              att.forward(core::Tensor({2, 6}), ctx);
            }),
            "att: expected [B, L, 6], got [2, 6]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              att.forward(core::Tensor({2, 3, 5}), ctx);
            }),
            "att: expected [B, L, 6], got [2, 3, 5]");
}

// The AH-rule through the core: R_v = v * P^T (R_o / o), computed here in
// double from the reference weights.
TEST(CausalAttentionLrp, ValueRelevanceMatchesContributionForm) {
  constexpr int64_t B = 1, L = 5, D = 4, H = 2;
  const core::Tensor q = random_normal({B, L, D}, 7), k = random_normal({B, L, D}, 8),
                     v = random_normal({B, L, D}, 9);
  const core::Tensor r = random_uniform({B, L, D}, 10, 0.5, 1.5);
  const core::AttentionForward f = core::causal_attention_forward(q, k, v, H);
  const double eps = 0.01;
  const core::Tensor rv = core::causal_attention_value_relevance(v, f.probs, r, H, eps);
  Vec p;
  const Vec vd = to_double(v), rd = to_double(r);
  const Vec o = attention_reference(to_double(q), to_double(k), vd, B, L, D, H, &p);
  Vec want(vd.size(), 0.0);
  const int64_t dh = D / H;
  for (int64_t t = 0; t < L; ++t)
    for (int64_t j = 0; j <= t; ++j)
      for (int64_t c = 0; c < D; ++c) {
        const double den = o[t * D + c] + (o[t * D + c] >= 0 ? eps : -eps);
        want[j * D + c] += vd[j * D + c] * p[((c / dh) * L + t) * L + j] * rd[t * D + c] / den;
      }
  EXPECT_TRUE(neuroseq_test::close_to("R_v", to_double(rv), want, 1e-4, 1e-5));
}

void zero_biases(core::CausalAttention& att) {
  for (core::Linear* l : {&att.q_proj(), &att.k_proj(), &att.v_proj(), &att.out_proj()})
    l->bias().value.fill(0.0f);
}

TEST(CausalAttentionLrp, ConservesWithZeroBiases) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    core::CausalAttention att("att", 8, 2, seed);
    zero_biases(att);
    const core::Tensor x = random_normal({2, 6, 8}, seed + 10);
    const core::Tensor r = random_uniform({2, 6, 8}, seed + 20, 0.5, 1.5);
    EXPECT_TRUE(relevance_conserved(att, x, r, epsilon_rule(1e-9))) << "seed " << seed;
    core::LrpRule gamma = epsilon_rule(1e-9);
    gamma.kind = core::LrpRule::Kind::kGamma;
    EXPECT_TRUE(relevance_conserved(att, x, r, gamma)) << "seed " << seed;
  }
}

TEST(CausalAttentionLrp, BiasesAbsorbRelevanceWithTheEpsilonRule) {
  core::CausalAttention att("att", 8, 2, 4);
  const core::Tensor x = random_normal({1, 6, 8}, 5);
  const core::Tensor r = random_uniform({1, 6, 8}, 6, 0.5, 1.5);
  core::Context ctx;
  att.forward(x, ctx);
  const core::Tensor rx = att.relevance(r, ctx, epsilon_rule(1e-9));
  double sum_in = 0.0, sum_out = 0.0;
  for (float v : rx.values())
    sum_in += v;
  for (float v : r.values())
    sum_out += v;
  EXPECT_GT(std::abs(sum_in - sum_out), 1e-3 * std::abs(sum_out));
}

}  // namespace
