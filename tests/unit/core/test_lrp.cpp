// Layer-wise relevance propagation through the basic modules: each rule
// against a double reference written in contribution form, R_j = sum_i
// c_ij / sum_j' c_ij' * R_i, conservation with zero biases for every module
// and through the small stack, and the LayerNorm rule as input times the
// gradient with the standard deviation detached.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/nn/activations.h"
#include "core/nn/dropout.h"
#include "core/nn/layer_norm.h"
#include "core/nn/linear.h"
#include "core/nn/residual.h"
#include "core/nn/sequential.h"
#include "error_of.h"
#include "finite_difference.h"
#include "gradient_check.h"
#include "random_tensor.h"
#include "small_stack.h"

namespace {

using core::LrpRule;
using neuroseq_test::close_to;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::relevance_conserved;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

// epsilon -> 0: conservation is then limited only by rounding.
constexpr double kTinyEpsilon = 1e-9;

LrpRule epsilon_rule(double eps = kTinyEpsilon) {
  LrpRule r;
  r.kind = LrpRule::Kind::kEpsilon;
  r.epsilon = eps;
  return r;
}
LrpRule gamma_rule(double gamma) {
  LrpRule r;
  r.kind = LrpRule::Kind::kGamma;
  r.gamma = gamma;
  r.epsilon = kTinyEpsilon;
  return r;
}
LrpRule alpha_beta_rule(double alpha, double beta) {
  LrpRule r;
  r.kind = LrpRule::Kind::kAlphaBeta;
  r.alpha = alpha;
  r.beta = beta;
  r.epsilon = kTinyEpsilon;
  return r;
}
LrpRule zbox_rule(float low, float high) {
  LrpRule r;
  r.kind = LrpRule::Kind::kZBox;
  r.low = low;
  r.high = high;
  r.epsilon = kTinyEpsilon;
  return r;
}

double pos(double v) {
  return v > 0 ? v : 0.0;
}
double neg(double v) {
  return v < 0 ? v : 0.0;
}

// Relevance of x [rows, in] for z = x W^T + b, each output's relevance
// shared out over the contributions c(x_j, w_ij) in proportion; `bias_share`
// is the bias's part of the denominator and `select` picks which
// contribution function an output uses (for gamma's sign switch).
using Contribution = std::function<double(double x, double w)>;
Vec share_out(const Vec& x, const Vec& w, const Vec& r, int64_t in, int64_t out,
              const std::function<Contribution(int64_t row, int64_t i)>& select,
              const std::function<double(int64_t row, int64_t i)>& bias_share, double eps) {
  const int64_t rows = static_cast<int64_t>(x.size()) / in;
  Vec rx(x.size(), 0.0);
  for (int64_t n = 0; n < rows; ++n) {
    for (int64_t i = 0; i < out; ++i) {
      const Contribution c = select(n, i);
      double total = bias_share(n, i);
      for (int64_t j = 0; j < in; ++j)
        total += c(x[n * in + j], w[i * in + j]);
      total += total >= 0 ? eps : -eps;
      for (int64_t j = 0; j < in; ++j)
        rx[n * in + j] += c(x[n * in + j], w[i * in + j]) / total * r[n * out + i];
    }
  }
  return rx;
}

// z [rows, out] = x W^T + b in double.
Vec preactivation(const Vec& x, const Vec& w, const Vec& b, int64_t in, int64_t out) {
  const int64_t rows = static_cast<int64_t>(x.size()) / in;
  Vec z(static_cast<size_t>(rows * out));
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t i = 0; i < out; ++i) {
      double s = b.empty() ? 0.0 : b[i];
      for (int64_t j = 0; j < in; ++j)
        s += x[n * in + j] * w[i * in + j];
      z[n * out + i] = s;
    }
  return z;
}

struct LinearCase {
  core::Linear lin;
  core::Tensor x;   // [2, 3, in]
  core::Tensor r;   // [2, 3, out], relevance of the outputs, positive
  core::Tensor rx;  // what the module returns
  Vec xd, w, b, rd;

  LinearCase(bool bias, const LrpRule& rule, uint64_t seed = 1)
      : lin("lin", 5, 4, seed, bias),
        x(random_normal({2, 3, 5}, seed + 1)),
        r(random_uniform({2, 3, 4}, seed + 2, 0.5, 1.5)) {
    core::Context ctx;
    lin.forward(x, ctx);
    rx = lin.relevance(r, ctx, rule);
    xd = to_double(x);
    w = to_double(lin.weight().value);
    if (bias) b = to_double(lin.bias().value);
    rd = to_double(r);
  }
};

TEST(LinearLrp, EpsilonRuleMatchesContributionForm) {
  for (bool bias : {false, true}) {
    const LinearCase c(bias, epsilon_rule(0.05));
    const Vec want = share_out(
        c.xd, c.w, c.rd, 5, 4, [](int64_t, int64_t) -> Contribution { return std::multiplies{}; },
        [&](int64_t, int64_t i) { return c.b.empty() ? 0.0 : c.b[i]; }, 0.05);
    EXPECT_TRUE(close_to("epsilon", to_double(c.rx), want, 1e-5, 1e-6)) << "bias " << bias;
  }
}

TEST(LinearLrp, GammaRuleMatchesContributionForm) {
  const double g = 0.25;
  for (bool bias : {false, true}) {
    const LinearCase c(bias, gamma_rule(g));
    const Vec z = preactivation(c.xd, c.w, c.b, 5, 4);
    // Outputs with z >= 0 boost the positive contributions, those with z < 0
    // the negative ones.
    const Contribution boost_pos = [g](double x, double w) {
      return pos(x) * (w + g * pos(w)) + neg(x) * (w + g * neg(w));
    };
    const Contribution boost_neg = [g](double x, double w) {
      return pos(x) * (w + g * neg(w)) + neg(x) * (w + g * pos(w));
    };
    const Vec want = share_out(
        c.xd, c.w, c.rd, 5, 4,
        [&](int64_t n, int64_t i) { return z[n * 4 + i] >= 0 ? boost_pos : boost_neg; },
        [&](int64_t n, int64_t i) {
          if (c.b.empty()) return 0.0;
          return c.b[i] + g * (z[n * 4 + i] >= 0 ? pos(c.b[i]) : neg(c.b[i]));
        },
        kTinyEpsilon);
    EXPECT_TRUE(close_to("gamma", to_double(c.rx), want, 1e-5, 1e-6)) << "bias " << bias;
  }
}

TEST(LinearLrp, GammaZeroIsTheEpsilonRule) {
  const LinearCase a(false, gamma_rule(0.0), 4), b(false, epsilon_rule(), 4);
  EXPECT_TRUE(close_to("gamma 0", to_double(a.rx), to_double(b.rx), 1e-5, 1e-6));
}

TEST(LinearLrp, AlphaBetaRuleMatchesContributionForm) {
  for (auto [alpha, beta] : {std::pair{1.0, 0.0}, std::pair{2.0, 1.0}}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const LinearCase c(true, alpha_beta_rule(alpha, beta), seed);
      // Per output: positive contributions p_ij = x+ w+ + x- w- (and b+),
      // negative ones n_ij = x+ w- + x- w+ (and b-); R_j = alpha p/P R -
      // beta n/N R, or, when one side is empty, the other side's share of
      // all of R.
      Vec want(c.xd.size(), 0.0);
      int one_sided = 0;
      for (int64_t n = 0; n < 6; ++n) {
        for (int64_t i = 0; i < 4; ++i) {
          Vec p(5), q(5);
          double sp = pos(c.b[i]), sq = neg(c.b[i]);
          for (int64_t j = 0; j < 5; ++j) {
            const double x = c.xd[n * 5 + j], w = c.w[i * 5 + j];
            p[j] = pos(x) * pos(w) + neg(x) * neg(w);
            q[j] = pos(x) * neg(w) + neg(x) * pos(w);
            sp += p[j];
            sq += q[j];
          }
          const double r = c.rd[n * 4 + i];
          one_sided += sp == 0.0 || sq == 0.0;
          for (int64_t j = 0; j < 5; ++j) {
            double share;
            if (sq == 0.0) {
              share = p[j] / (sp + kTinyEpsilon);
            } else if (sp == 0.0) {
              share = q[j] / (sq - kTinyEpsilon);
            } else {
              share = alpha * p[j] / (sp + kTinyEpsilon) - beta * q[j] / (sq - kTinyEpsilon);
            }
            want[n * 5 + j] += share * r;
          }
        }
      }
      EXPECT_TRUE(close_to("alpha-beta", to_double(c.rx), want, 1e-5, 1e-6))
          << alpha << ", seed " << seed << ", one-sided outputs " << one_sided;
    }
  }
}

TEST(LinearLrp, AlphaBetaConservesWhenAnOutputHasOneSignOnly) {
  // Positive inputs and a weight row with no negative entry: output 0 has
  // only positive contributions, output 1 only negative ones.
  core::Linear lin("lin", 3, 2, 1, false);
  const std::vector<float> w{0.5f, 1.0f, 0.25f, -0.5f, -1.0f, -2.0f};
  std::copy(w.begin(), w.end(), lin.weight().value.data());
  const core::Tensor x = core::Tensor::from_values({1, 3}, {1.0f, 2.0f, 0.5f});
  const core::Tensor r = core::Tensor::from_values({1, 2}, {1.0f, 2.0f});
  for (const LrpRule& rule : {alpha_beta_rule(1.0, 0.0), alpha_beta_rule(2.0, 1.0)}) {
    EXPECT_TRUE(relevance_conserved(lin, x, r, rule)) << rule.alpha;
    // Output 0 shares 1 as (0.5, 2, 0.125) / 2.625, output 1 shares 2 as
    // (-0.5, -2, -1) / -3.5.
    core::Context ctx;
    lin.forward(x, ctx);
    const Vec got = to_double(lin.relevance(r, ctx, rule));
    const Vec want{0.5 / 2.625 + 1.0 / 3.5, 2.0 / 2.625 + 4.0 / 3.5, 0.125 / 2.625 + 2.0 / 3.5};
    EXPECT_TRUE(close_to("one-sided alpha-beta", got, want, 1e-6, 1e-7));
  }
}

TEST(LinearLrp, ZBoxRuleMatchesContributionFormAndIgnoresTheBias) {
  const float low = -4.5f, high = 4.0f;
  const LinearCase c(true, zbox_rule(low, high));
  const Vec want = share_out(
      c.xd, c.w, c.rd, 5, 4,
      [&](int64_t, int64_t) -> Contribution {
        return [&](double x, double w) { return x * w - low * pos(w) - high * neg(w); };
      },
      [](int64_t, int64_t) { return 0.0; }, kTinyEpsilon);
  EXPECT_TRUE(close_to("z-box", to_double(c.rx), want, 1e-5, 1e-6));
  // Inputs inside the box make every contribution >= 0: positive relevance
  // in, non-negative relevance out.
  for (float v : c.x.values())
    ASSERT_TRUE(v >= low && v <= high) << v;
  for (float v : c.rx.values())
    EXPECT_GE(v, 0.0f);
}

TEST(LinearLrp, EveryRuleConservesWithZeroBias) {
  const core::Tensor x = random_normal({2, 3, 5}, 2);
  const core::Tensor r = random_uniform({2, 3, 4}, 3, 0.5, 1.5);
  for (const LrpRule& rule :
       {epsilon_rule(), gamma_rule(0.25), gamma_rule(1.0), alpha_beta_rule(1.0, 0.0),
        alpha_beta_rule(2.0, 1.0), zbox_rule(-3.0f, 3.0f)}) {
    core::Linear lin("lin", 5, 4, 1, false);
    EXPECT_TRUE(relevance_conserved(lin, x, r, rule)) << static_cast<int>(rule.kind);
  }
  // z-box keeps conserving with a bias, since the bias cancels.
  core::Linear biased("lin", 5, 4, 1, true);
  EXPECT_TRUE(relevance_conserved(biased, x, r, zbox_rule(-3.0f, 3.0f)));
}

TEST(LinearLrp, EpsilonRuleWithABiasLetsTheBiasAbsorbItsShare) {
  const LinearCase c(true, epsilon_rule());
  const Vec z = preactivation(c.xd, c.w, c.b, 5, 4);
  double want = 0.0;  // sum_i R_i (z_i - b_i) / z_i
  for (size_t k = 0; k < z.size(); ++k)
    want += c.rd[k] * (z[k] - c.b[k % 4]) / z[k];
  EXPECT_NEAR(nn_reference::sum(to_double(c.rx)), want, 1e-5 * std::abs(want));
}

TEST(LinearLrp, RejectsRuleParametersOutOfRange) {
  using neuroseq_test::error_of;
  core::Linear lin("lin", 3, 2, 1);
  core::Context ctx;
  lin.forward(core::Tensor({1, 3}), ctx);
  const core::Tensor r({1, 2});
  EXPECT_EQ(error_of<std::invalid_argument>([&] { lin.relevance(r, ctx, alpha_beta_rule(2, 0)); }),
            "lin: LRP alpha-beta needs alpha, beta >= 0 and alpha - beta = 1, got alpha "
            "2.000000, beta 0.000000");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { lin.relevance(r, ctx, zbox_rule(1.0f, 1.0f)); }),
            "lin: LRP z-box needs low < high, got [1.000000, 1.000000]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { lin.relevance(r, ctx, epsilon_rule(-1.0)); }),
            "lin: LRP epsilon must be >= 0, got -1.000000");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { lin.relevance(r, ctx, gamma_rule(-0.5)); }),
            "lin: LRP gamma must be >= 0, got -0.500000");
}

// ---- LayerNorm ----

TEST(LayerNormLrp, IsInputTimesGradientWithTheDeviationDetached) {
  const int64_t d = 6;
  core::LayerNorm norm("norm", d);
  norm.gamma().value = random_uniform({d}, 5, 0.5, 1.5);
  const core::Tensor x = random_normal({3, d}, 6, 0.7, 1.3);
  const core::Tensor r = random_uniform({3, d}, 7, 0.5, 1.5);
  core::Context ctx;
  const core::Tensor y = norm.forward(x, ctx);
  const Vec got = to_double(norm.relevance(r, ctx, epsilon_rule()));
  // With sigma frozen the layer is y = J x, J_ij = gamma_i / sigma (delta_ij
  // - 1/d); the rule gives R_x = x * J^T (R / y).
  const Vec xd = to_double(x), yd = to_double(y), rd = to_double(r);
  const Vec gamma = to_double(norm.gamma().value);
  Vec want(xd.size());
  for (int64_t n = 0; n < 3; ++n) {
    double mean = 0.0, var = 0.0;
    for (int64_t j = 0; j < d; ++j)
      mean += xd[n * d + j] / d;
    for (int64_t j = 0; j < d; ++j)
      var += (xd[n * d + j] - mean) * (xd[n * d + j] - mean) / d;
    const double sigma = std::sqrt(var + 1e-5);
    for (int64_t j = 0; j < d; ++j) {
      double g = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        const double jij = gamma[i] / sigma * ((i == j ? 1.0 : 0.0) - 1.0 / d);
        g += jij * rd[n * d + i] / yd[n * d + i];
      }
      want[n * d + j] = xd[n * d + j] * g;
    }
  }
  EXPECT_TRUE(close_to("layer norm relevance", got, want, 1e-4, 1e-6));
}

TEST(LayerNormLrp, ConservesWithZeroBetaForEveryRuleKind) {
  core::LayerNorm norm("norm", 8);
  norm.gamma().value = random_uniform({8}, 8, 0.5, 1.5);
  // Off-centre inputs: the mean carries relevance and must not leak.
  const core::Tensor x = random_normal({2, 5, 8}, 9, 2.0, 1.0);
  const core::Tensor r = random_uniform({2, 5, 8}, 10, 0.5, 1.5);
  for (const LrpRule& rule : {epsilon_rule(), gamma_rule(0.25), zbox_rule(-3.0f, 3.0f)})
    EXPECT_TRUE(relevance_conserved(norm, x, r, rule));
}

// ---- Elementwise, residual, chains ----

TEST(IdentityRules, ActivationsAndDropoutPassRelevanceUnchanged) {
  const core::Tensor x = random_normal({2, 3, 4}, 11);
  const core::Tensor r = random_normal({2, 3, 4}, 12);
  core::Gelu gelu;
  core::Silu silu;
  core::Dropout drop("drop", 0.1f);
  for (core::Module* m : std::vector<core::Module*>{&gelu, &silu, &drop}) {
    core::Context ctx;
    m->forward(x, ctx);
    EXPECT_EQ(to_double(m->relevance(r, ctx, epsilon_rule())), to_double(r)) << m->name();
  }
}

TEST(ResidualLrp, SplitsBetweenSkipAndBranchByContribution) {
  // Branch = identity-like GELU so the branch's relevance returns unchanged:
  // R_x = x R / y + gelu(x) R / y.
  core::Residual res("block", std::make_unique<core::Gelu>());
  const core::Tensor x = random_uniform({3, 4}, 13, 0.2, 2.0);
  const core::Tensor r = random_uniform({3, 4}, 14, 0.5, 1.5);
  core::Context ctx;
  const core::Tensor y = res.forward(x, ctx);
  const Vec got = to_double(res.relevance(r, ctx, epsilon_rule()));
  const Vec xd = to_double(x), yd = to_double(y), rd = to_double(r);
  Vec want(xd.size());
  for (size_t k = 0; k < xd.size(); ++k)
    want[k] = rd[k];  // x R / y + (y - x) R / y
  EXPECT_TRUE(close_to("residual", got, want, 1e-6, 1e-7));
  EXPECT_TRUE(relevance_conserved(res, x, r, epsilon_rule()));
}

TEST(ResidualLrp, ConservesAroundAZeroBiasLinearBranch) {
  core::Residual res("block", std::make_unique<core::Linear>("block.proj", 6, 6, 15, false));
  const core::Tensor x = random_normal({2, 4, 6}, 16);
  const core::Tensor r = random_uniform({2, 4, 6}, 17, 0.5, 1.5);
  EXPECT_TRUE(relevance_conserved(res, x, r, epsilon_rule()));
  EXPECT_TRUE(relevance_conserved(res, x, r, gamma_rule(0.25)));
}

TEST(SmallStackLrp, ConservesFromTheTargetLogitToTheInput) {
  const small_stack::Dims d;
  const core::Tensor x = random_normal({2, 5, d.in}, 18);
  for (uint64_t seed : {40u, 50u, 60u}) {
    auto stack = small_stack::make(d, false, seed);
    core::Context ctx;
    const core::Tensor y = stack->forward(x, ctx);  // [2, 5, out]
    // Relevance starts at the value of one target logit per position.
    core::Tensor r(y.shape());
    for (int64_t k = 1; k < y.numel(); k += d.out)
      r.values()[static_cast<size_t>(k)] = y.values()[static_cast<size_t>(k)];
    EXPECT_TRUE(relevance_conserved(*stack, x, r, epsilon_rule())) << "seed " << seed;
  }
}

TEST(SmallStackLrp, CompositeRulesConserve) {
  // z-box on the first layer and gamma on the MLP, as a composite would set.
  const small_stack::Dims d;
  auto stack = small_stack::make(d, false, 70);
  stack->set_rule(0, zbox_rule(-4.0f, 4.0f));
  const core::Tensor x = random_uniform({2, 5, d.in}, 19, -2.0, 2.0);
  const core::Tensor r = random_uniform({2, 5, d.out}, 20, 0.5, 1.5);
  EXPECT_TRUE(relevance_conserved(*stack, x, r, epsilon_rule()));
  EXPECT_TRUE(relevance_conserved(*stack, x, r, gamma_rule(0.1)));
}

TEST(SmallStackLrp, BiasesAbsorbRelevance) {
  // Conservation needs zero biases: with them, each layer's biases keep their
  // share of the relevance, and the input's total falls short of the logits.
  const small_stack::Dims d;
  auto stack = small_stack::make(d, true, 80);
  const core::Tensor x = random_normal({1, 4, d.in}, 21);
  core::Context ctx;
  const core::Tensor y = stack->forward(x, ctx);
  const core::Tensor rx = stack->relevance(y, ctx, epsilon_rule());
  const double in = nn_reference::sum(to_double(rx)), out = nn_reference::sum(to_double(y));
  EXPECT_GT(std::abs(in - out), 1e-3 * std::abs(out));
}

}  // namespace
