// The Hyena operator (order 2): gradients of the input and of every parameter
// (projections, short filter, the implicit filter's MLP and Sin frequencies,
// the skip weight) against finite differences of a double reference written
// here from the definition, causality, the implicit filter's features and
// window, and relevance conservation with zero biases for both gate rules.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "core/nn/hyena.h"
#include "core/nn/hyena_filter.h"
#include "error_of.h"
#include "finite_difference.h"
#include "gradient_check.h"
#include "random_tensor.h"

namespace {

using neuroseq_test::DoubleParams;
using neuroseq_test::error_of;
using neuroseq_test::gradients_match;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::relevance_conserved;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

constexpr int64_t kDim = 4, kMaxLength = 8, kWidth = 8, kEmb = 5, kInner = 2, kTaps = 3;

core::HyenaConfig small_config() {
  core::HyenaConfig c;
  c.dim = kDim;
  c.max_length = kMaxLength;
  c.short_filter_taps = kTaps;
  c.filter_width = kWidth;
  c.filter_emb_dim = kEmb;
  c.filter_inner_layers = kInner;
  return c;
}

// y [rows, out] = x [rows, in] W^T (+ b).
Vec dense(const Vec& x, const Vec& w, const Vec* b, int64_t in, int64_t out) {
  const int64_t rows = static_cast<int64_t>(x.size()) / in;
  Vec y(static_cast<size_t>(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = b ? (*b)[o] : 0.0;
      for (int64_t i = 0; i < in; ++i)
        s += x[r * in + i] * w[o * in + i];
      y[r * out + o] = s;
    }
  return y;
}

// The implicit filter's kernel k[c, s] for lags s < length, from its
// definition: positional features, the MLP with sine activations (one shared
// frequency vector), and the exponential window. `p` starts at the first
// MLP weight in parameters() order.
Vec filter_reference(const DoubleParams& p, size_t first, int64_t length) {
  const int64_t bands = (kEmb - 1) / 2;
  Vec z(static_cast<size_t>(length * kEmb));
  for (int64_t t = 0; t < length; ++t) {
    const double w = 2.0 * std::numbers::pi * t / kMaxLength;
    z[t * kEmb] = static_cast<double>(t) / (kMaxLength - 1);
    for (int64_t k = 0; k < bands; ++k) {
      const double f = 1e-4 + (bands - 1 - 1e-4) * k / (bands - 1);
      z[t * kEmb + 1 + k] = std::cos(f * w);
      z[t * kEmb + 1 + bands + k] = -std::sin(f * w);
    }
  }
  const Vec& freq = p[first + 2 * (kInner + 1) + 1];
  Vec h = z;
  int64_t in = kEmb;
  for (int64_t layer = 0; layer <= kInner; ++layer) {
    h = dense(h, p[first + 2 * layer], &p[first + 2 * layer + 1], in, kWidth);
    for (size_t i = 0; i < h.size(); ++i)
      h[i] = std::sin(freq[i % kWidth] * h[i]);
    in = kWidth;
  }
  const Vec out = dense(h, p[first + 2 * (kInner + 1)], nullptr, kWidth, kDim);  // [length, D]
  Vec k(static_cast<size_t>(kDim * length));
  const double slowest = std::log(1e-2) / 1.5, fastest = std::log(1e-2) / 0.3;
  for (int64_t c = 0; c < kDim; ++c) {
    const double delta = slowest + (fastest - slowest) * c / (kDim - 1);
    for (int64_t t = 0; t < length; ++t) {
      const double tn = static_cast<double>(t) / (kMaxLength - 1);
      k[c * length + t] = out[t * kDim + c] * std::exp(-tn * std::abs(delta));
    }
  }
  return k;
}

// The operator in double; parameters in parameters() order: in_proj (w, b),
// short filter (w, b), the filter's MLP (w, b per layer, last w only), freq,
// skip, out_proj (w, b).
Vec hyena_reference(const Vec& x, const DoubleParams& p, int64_t B, int64_t L) {
  const int64_t D = kDim, W3 = 3 * kDim;
  const Vec u = dense(x, p[0], &p[1], D, W3);  // [B, L, 3D]
  Vec uc(u.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < L; ++t)
      for (int64_t c = 0; c < W3; ++c) {
        // PyTorch Conv1d (cross-correlation) with K - 1 zeros on the left.
        double s = p[3][c];
        for (int64_t j = 0; j < kTaps; ++j) {
          const int64_t src = t - (kTaps - 1) + j;
          if (src >= 0) s += p[2][c * kTaps + j] * u[(b * L + src) * W3 + c];
        }
        uc[(b * L + t) * W3 + c] = s;
      }
  const size_t first_mlp = 4;
  const Vec k = filter_reference(p, first_mlp, L);
  const Vec& skip = p[first_mlp + 2 * (kInner + 1) + 2];
  Vec g(static_cast<size_t>(B * L * D));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < L; ++t)
      for (int64_t c = 0; c < D; ++c) {
        const auto at = [&](int64_t tt, int64_t part) {
          return uc[(b * L + tt) * W3 + part * D + c];
        };
        // p = v * x1, then c = k * p + skip * p, then g = x0 * c.
        double conv = skip[c] * at(t, 2) * at(t, 1);
        for (int64_t s = 0; s <= t; ++s)
          conv += k[c * L + s] * at(t - s, 2) * at(t - s, 1);
        g[(b * L + t) * D + c] = at(t, 0) * conv;
      }
  const size_t out = first_mlp + 2 * (kInner + 1) + 3;
  return dense(g, p[out], &p[out + 1], D, D);
}

TEST(Hyena, GradientsMatchDoubleReference) {
  constexpr int64_t B = 2, L = 6;
  core::Hyena hyena("hyena", small_config(), 21);
  // Frequencies away from 1 so that their gradient is not a special case.
  hyena.filter().freq().value = random_uniform({kWidth}, 3, 0.6, 1.4);
  const auto reference = [&](const Vec& x, const DoubleParams& p) {
    return hyena_reference(x, p, B, L);
  };
  EXPECT_TRUE(gradients_match(hyena, random_normal({B, L, kDim}, 7), reference));
}

TEST(Hyena, RunsAtTheFullLengthAndAtOneStep) {
  core::Hyena hyena("hyena", small_config(), 5);
  for (int64_t L : {int64_t{1}, kMaxLength}) {
    const auto reference = [&](const Vec& x, const DoubleParams& p) {
      return hyena_reference(x, p, 1, L);
    };
    EXPECT_TRUE(gradients_match(hyena, random_normal({1, L, kDim}, 8), reference)) << "L " << L;
  }
}

TEST(Hyena, ParametersFollowTheReferenceStateDict) {
  core::Hyena hyena("enc.mixer", small_config(), 1);
  const auto p = hyena.parameters();
  ASSERT_EQ(p.size(), 15u);
  EXPECT_EQ(p[0]->name, "enc.mixer.in_proj.weight");
  EXPECT_EQ(p[0]->value.shape(), core::Shape({3 * kDim, kDim}));
  EXPECT_EQ(p[2]->name, "enc.mixer.short_filter.weight");
  EXPECT_EQ(p[2]->value.shape(), core::Shape({3 * kDim, kTaps}));
  EXPECT_EQ(p[4]->name, "enc.mixer.filter_fn.implicit_filter.0.weight");
  EXPECT_EQ(p[4]->value.shape(), core::Shape({kWidth, kEmb}));
  EXPECT_EQ(p[10]->name, "enc.mixer.filter_fn.implicit_filter.6.weight");
  EXPECT_EQ(p[10]->value.shape(), core::Shape({kDim, kWidth}));
  EXPECT_EQ(p[11]->name, "enc.mixer.filter_fn.implicit_filter.1.freq");
  EXPECT_EQ(p[12]->name, "enc.mixer.filter_fn.bias");
  EXPECT_EQ(p[13]->name, "enc.mixer.out_proj.weight");
  for (size_t i = 4; i <= 12; ++i)
    EXPECT_FALSE(p[i]->weight_decay) << p[i]->name;
  for (float v : p[11]->value.values())
    EXPECT_EQ(v, 1.0f);
  for (float v : p[2]->value.values())
    EXPECT_LE(std::abs(v), 1.0 / std::sqrt(3.0));
}

TEST(Hyena, OutputBeforeTDoesNotDependOnInputAtT) {
  constexpr int64_t B = 2, L = kMaxLength;
  core::Hyena hyena("hyena", small_config(), 9);
  const core::Tensor x = random_normal({B, L, kDim}, 10);
  core::Context c1;
  const core::Tensor y1 = hyena.forward(x, c1);
  double scale = 0.0;
  for (float v : y1.values())
    scale = std::max(scale, static_cast<double>(std::abs(v)));
  for (int64_t t0 : {int64_t{0}, int64_t{3}, L - 1}) {
    core::Tensor moved = x.clone();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t c = 0; c < kDim; ++c)
        moved.data()[(b * L + t0) * kDim + c] += 3.0f;
    core::Context c2;
    const core::Tensor y2 = hyena.forward(moved, c2);
    double before = 0.0, at = 0.0;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < L; ++t)
        for (int64_t c = 0; c < kDim; ++c) {
          const int64_t i = (b * L + t) * kDim + c;
          const double d = std::abs(y1.data()[i] - y2.data()[i]);
          (t < t0 ? before : at) = std::max(t < t0 ? before : at, d);
        }
    // The FFT convolution spreads float rounding over every output; a
    // dependence would show at the size of the change itself.
    EXPECT_LE(before, 1e-5 * scale) << "t0 " << t0;
    EXPECT_GT(at, 1e-2 * scale) << "t0 " << t0;
  }
}

TEST(HyenaFilter, FeaturesAndKernelFollowTheDefinition) {
  core::HyenaFilterConfig cfg;
  cfg.channels = kDim;
  cfg.max_length = kMaxLength;
  cfg.emb_dim = kEmb;
  cfg.width = kWidth;
  cfg.inner_layers = kInner;
  core::HyenaFilter filter("f", cfg, 4);
  // t = 0: normalised time 0, cos 1, -sin 0.
  const float* z0 = filter.features().data();
  EXPECT_EQ(z0[0], 0.0f);
  EXPECT_FLOAT_EQ(z0[1], 1.0f);
  EXPECT_FLOAT_EQ(z0[2], 1.0f);
  EXPECT_EQ(z0[3], 0.0f);
  EXPECT_FLOAT_EQ(filter.features().data()[(kMaxLength - 1) * kEmb], 1.0f);
  // Decay rates from slow (ln 0.01 / 1.5) to fast (ln 0.01 / 0.3).
  EXPECT_NEAR(filter.decays().data()[0], std::log(1e-2) / 1.5, 1e-6);
  EXPECT_NEAR(filter.decays().data()[kDim - 1], std::log(1e-2) / 0.3, 1e-5);

  std::vector<core::Parameter*> ps;
  filter.collect_parameters(ps);
  DoubleParams params;
  for (core::Parameter* p : ps)
    params.push_back(to_double(p->value));
  core::Context ctx;
  const core::Tensor k = filter.generate(5, ctx);
  ASSERT_EQ(k.shape(), core::Shape({kDim, 5}));
  EXPECT_TRUE(
      neuroseq_test::close_to("kernel", to_double(k), filter_reference(params, 0, 5), 1e-5, 1e-6));
  EXPECT_EQ(error_of<std::invalid_argument>([&] { filter.generate(kMaxLength + 1, ctx); }),
            "f: length: expected 1 .. 8, got 9");
  cfg.emb_dim = 4;
  EXPECT_EQ(error_of<std::invalid_argument>([&] { core::HyenaFilter("f", cfg, 1); }),
            "f: emb_dim: expected an odd number >= 3, got 4.000000");
}

TEST(Hyena, RejectsInputsLongerThanMaxLength) {
  core::Hyena hyena("hyena", small_config(), 1);
  core::Context ctx;
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              hyena.forward(core::Tensor({1, kMaxLength + 1, kDim}), ctx);
            }),
            "hyena: expected [B, L <= 8, 4], got [1, 9, 4]");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              hyena.forward(core::Tensor({2, kDim}), ctx);
            }),
            "hyena: expected [B, L <= 8, 4], got [2, 4]");
  core::HyenaConfig bad = small_config();
  bad.dim = 0;
  EXPECT_EQ(error_of<std::invalid_argument>([&] { core::Hyena("h", bad, 1); }),
            "h: dim: expected >= 1, got 0");
}

core::LrpRule rule_of(core::LrpRule::Kind kind, bool half_half) {
  core::LrpRule r;
  r.kind = kind;
  r.epsilon = 1e-9;
  r.gate_half_half = half_half;
  return r;
}

core::LrpRule tiny_epsilon(bool half_half) {
  core::LrpRule r = rule_of(core::LrpRule::Kind::kEpsilon, half_half);
  r.epsilon = 1e-30;
  return r;
}

void zero_biases(core::Hyena& hyena) {
  hyena.in_proj().bias().value.fill(0.0f);
  hyena.short_bias().value.fill(0.0f);
  hyena.out_proj().bias().value.fill(0.0f);
}

TEST(HyenaLrp, ConservesWithZeroBiasesForBothGateRules) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    core::Hyena hyena("hyena", small_config(), seed);
    zero_biases(hyena);
    const core::Tensor x = random_normal({2, 7, kDim}, seed + 10);
    const core::Tensor r = random_uniform({2, 7, kDim}, seed + 20, 0.5, 1.5);
    for (bool half : {true, false}) {
      for (auto kind : {core::LrpRule::Kind::kEpsilon, core::LrpRule::Kind::kGamma}) {
        EXPECT_TRUE(relevance_conserved(hyena, x, r, rule_of(kind, half)))
            << "seed " << seed << " half/half " << half << " kind " << static_cast<int>(kind);
      }
    }
  }
}

// Wire the in-projection so that input channel 0 feeds only the gates (x0,
// x1) and channels 1.. feed only the value v. Holding the gates constant
// then leaves channel 0 without relevance; half and half gives it the
// gates' share. Both conserve. Both gates now scale with the one input
// channel, so outputs are cubic in it and can be tiny (1e-11): the epsilon
// is taken far below that, or it would absorb those outputs' relevance.
TEST(HyenaLrp, ConstantGatesPassRelevanceOnlyThroughTheValue) {
  core::Hyena hyena("hyena", small_config(), 4);
  zero_biases(hyena);
  float* w = hyena.in_proj().weight().value.data();  // [3D, D]
  for (int64_t row = 0; row < 3 * kDim; ++row)
    for (int64_t col = 0; col < kDim; ++col)
      if ((row < 2 * kDim) != (col == 0)) w[row * kDim + col] = 0.0f;
  const core::Tensor x = random_normal({1, 6, kDim}, 5);
  const core::Tensor r = random_uniform({1, 6, kDim}, 6, 0.5, 1.5);
  core::Context ctx;
  hyena.forward(x, ctx);
  const auto channel0 = [&](bool half) {
    const core::Tensor rx = hyena.relevance(r, ctx, tiny_epsilon(half));
    double total = 0.0;
    for (int64_t t = 0; t < 6; ++t)
      total += std::abs(rx.data()[t * kDim]);
    return total;
  };
  EXPECT_EQ(channel0(false), 0.0);
  EXPECT_GT(channel0(true), 1e-2);
  for (bool half : {true, false})
    EXPECT_TRUE(relevance_conserved(hyena, x, r, tiny_epsilon(half)));
}

}  // namespace
