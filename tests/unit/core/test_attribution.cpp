// Attribution methods against independent expectations: gradients against
// central differences of the explained logit, Integrated Gradients'
// completeness and its quadrature, SmoothGrad replayed from its noise, LRP
// conservation, occlusion against logit drops computed by hand, and the
// dispatcher's names and refusals.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/attribution/explain.h"
#include "core/attribution/gauss_legendre.h"
#include "core/attribution/gradient.h"
#include "core/attribution/parcel_maps.h"
#include "core/random/philox.h"
#include "error_of.h"
#include "finite_difference.h"
#include "random_tensor.h"

namespace {

using neuroseq_test::error_of;
using neuroseq_test::random_normal;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

constexpr int64_t kB = 2, kL = 6, kP = 5, kD = 8, kC = 3;

// Long-conv classifiers (dropout 0, no squash dead zone) with kernels well
// above their N(0, 0.002) start, so that frames visibly reach each other.
std::unique_ptr<core::WindowClassifier> make_model(bool bidirectional, int64_t layers,
                                                   uint64_t seed) {
  core::EncoderConfig c;
  c.parcels = kP;
  c.dim = kD;
  c.layers = layers;
  c.mixer = core::MixerKind::kLongConv;
  c.dropout = 0.0f;
  c.max_frames = 8;
  c.max_seconds = 8.0;
  c.bidirectional = bidirectional;
  c.squash_lambda = 0.0f;
  c.smooth_window = 3;
  auto model = std::make_unique<core::WindowClassifier>(c, kC, seed);
  for (core::Parameter* p : model->parameters())
    if (p->name.ends_with(".kernel")) p->value = random_normal(p->value.shape(), seed + 50, 0, 0.3);
  return model;
}

core::WindowBatch make_batch(uint64_t seed) {
  const std::vector<double> tr{0.7, 1.3};
  return {random_normal({kB, kL, kP}, seed), core::elapsed_seconds(tr, kL), {}};
}

Vec logits_at(core::WindowClassifier& model, const core::WindowBatch& batch,
              const core::Tensor& x) {
  return to_double(core::eval_logits(model, core::with_x(batch, x)));
}

// Central differences of logits[b, targets[b]] in each x element of window b.
Vec numeric_gradient(core::WindowClassifier& model, const core::WindowBatch& batch,
                     const std::vector<int>& targets, double h = 1e-2) {
  const int64_t per = kL * kP;
  Vec out;
  core::Tensor x = batch.x.clone();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t b = i / per, at = b * kC + targets[static_cast<size_t>(b)];
    const float keep = x.data()[i];
    x.data()[i] = static_cast<float>(keep + h);
    const double up_at = x.data()[i], up = logits_at(model, batch, x)[static_cast<size_t>(at)];
    x.data()[i] = static_cast<float>(keep - h);
    const double down_at = x.data()[i], down = logits_at(model, batch, x)[static_cast<size_t>(at)];
    x.data()[i] = keep;
    out.push_back((up - down) / (up_at - down_at));
  }
  return out;
}

double window_sum(const Vec& r, int64_t b) {
  return std::accumulate(r.begin() + b * kL * kP, r.begin() + (b + 1) * kL * kP, 0.0);
}

std::vector<int> argmax(const Vec& logits) {
  std::vector<int> out;
  for (int64_t b = 0; b < kB; ++b) {
    int best = 0;
    for (int k = 1; k < kC; ++k)
      if (logits[b * kC + k] > logits[b * kC + best]) best = k;
    out.push_back(best);
  }
  return out;
}

TEST(GaussLegendre, IntegratesPolynomialsOfDegreeTwoNMinusOneExactly) {
  for (int n : {1, 2, 3, 4, 7, 16, 64}) {
    const core::Quadrature q = core::gauss_legendre(n);
    ASSERT_EQ(q.nodes.size(), static_cast<size_t>(n));
    for (int k = 0; k <= 2 * n; ++k) {
      double sum = 0.0;
      for (int i = 0; i < n; ++i)
        sum += q.weights[static_cast<size_t>(i)] * std::pow(q.nodes[static_cast<size_t>(i)], k);
      if (k < 2 * n) {
        EXPECT_NEAR(sum, 1.0 / (k + 1), 1e-13) << "n " << n << " degree " << k;
      } else if (n <= 4) {
        EXPECT_GT(std::abs(sum - 1.0 / (k + 1)), 1e-8) << "n " << n << ": degree 2n is not exact";
      }
    }
    for (int i = 0; i + 1 < n; ++i)
      EXPECT_LT(q.nodes[static_cast<size_t>(i)], q.nodes[static_cast<size_t>(i) + 1]);
  }
  const core::Quadrature two = core::gauss_legendre(2, -1.0, 1.0);
  EXPECT_NEAR(two.nodes[0], -1.0 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(two.weights[1], 1.0, 1e-15);
  EXPECT_THROW(core::gauss_legendre(0), std::invalid_argument);
}

TEST(Attribution, GradientMatchesFiniteDifferencesOfTheExplainedLogit) {
  for (bool bidirectional : {false, true}) {
    auto model = make_model(bidirectional, 2, 3);
    const core::WindowBatch batch = make_batch(4);
    const Vec logits = logits_at(*model, batch, batch.x);
    model->zero_grad();
    for (core::Parameter* p : model->parameters())
      p->grad.fill(0.5f);
    for (int target : {core::kPredicted, 2}) {
      const core::Explanation e = core::explain_gradient(*model, batch, target);
      const std::vector<int> want =
          target == core::kPredicted ? argmax(logits) : std::vector<int>(kB, target);
      ASSERT_EQ(e.target, want);
      for (int64_t b = 0; b < kB; ++b)
        EXPECT_NEAR(e.logit[static_cast<size_t>(b)], logits[b * kC + want[b]], 1e-6);
      const Vec grad = to_double(e.relevance);
      EXPECT_TRUE(neuroseq_test::close_to("gradient", grad, numeric_gradient(*model, batch, want),
                                          2e-2, 2e-3))
          << "bidirectional " << bidirectional << " target " << target;
      // Saliency and input x gradient from the same gradient.
      const Vec sal = to_double(core::explain_saliency(*model, batch, target).relevance);
      const Vec ixg = to_double(core::explain_input_x_gradient(*model, batch, target).relevance);
      const Vec x = to_double(batch.x);
      for (size_t i = 0; i < grad.size(); ++i) {
        EXPECT_EQ(sal[i], std::abs(grad[i]));
        EXPECT_NEAR(ixg[i], x[i] * grad[i], 1e-6 * std::abs(x[i] * grad[i]));
      }
      EXPECT_TRUE(std::isnan(e.error[0]));
    }
    for (core::Parameter* p : model->parameters())  // explanations leave them alone
      for (float g : p->grad.values())
        ASSERT_EQ(g, 0.5f) << p->name;
  }
}

TEST(Attribution, IntegratedGradientsAreCompleteWithSixtyFourNodes) {
  for (bool bidirectional : {false, true}) {
    auto model = make_model(bidirectional, 2, 7);
    const core::WindowBatch batch = make_batch(8);
    for (auto baseline : {core::IgBaseline::kZero, core::IgBaseline::kMean}) {
      const core::Explanation e =
          core::explain_integrated_gradients(*model, batch, core::kPredicted, {64, baseline});
      const core::Tensor base = core::ig_baseline(batch.x, baseline);
      const Vec f_x = logits_at(*model, batch, batch.x), f_0 = logits_at(*model, batch, base);
      const Vec r = to_double(e.relevance);
      for (int64_t b = 0; b < kB; ++b) {
        const int k = e.target[static_cast<size_t>(b)];
        const double sum = window_sum(r, b);
        const double delta = f_x[b * kC + k] - f_0[b * kC + k];
        const double err = std::abs(sum - delta) / std::abs(delta);
        EXPECT_LE(err, 1e-2) << "bidirectional " << bidirectional << " window " << b;
        EXPECT_NEAR(e.error[static_cast<size_t>(b)], err, 1e-6 + 1e-3 * err);
      }
    }
  }
  // The mean baseline repeats each window's time-mean per parcel.
  const core::WindowBatch batch = make_batch(9);
  const Vec x = to_double(batch.x),
            m = to_double(core::ig_baseline(batch.x, core::IgBaseline::kMean));
  for (int64_t b = 0; b < kB; ++b)
    for (int64_t p = 0; p < kP; ++p) {
      double mean = 0.0;
      for (int64_t t = 0; t < kL; ++t)
        mean += x[(b * kL + t) * kP + p] / kL;
      for (int64_t t = 0; t < kL; ++t)
        EXPECT_NEAR(m[(b * kL + t) * kP + p], mean, 1e-6);
    }
}

TEST(Attribution, IntegratedGradientsOfLinearAndCubicFunctionsAreExact) {
  const core::Tensor x = random_normal({kB, kL, kP}, 11), w = random_normal({kB, kL, kP}, 12);
  const core::Tensor zero(x.shape());
  // f = w . x: IG from 0 is x * w, with any number of nodes.
  const Vec linear = to_double(
      core::integrate_gradients(x, zero, 3, [&](const core::Tensor&) { return w.clone(); }));
  // f = sum a x^3, gradient 3 a x^2: degree 2 along the path, exact from two
  // nodes on (attr = a x^3), not with one (the midpoint gives 3/4 of it).
  auto cubic_gradient = [&](const core::Tensor& at) {
    core::Tensor g = at.clone();
    for (int64_t i = 0; i < g.numel(); ++i)
      g.data()[i] = 3.0f * w.data()[i] * at.data()[i] * at.data()[i];
    return g;
  };
  const Vec two = to_double(core::integrate_gradients(x, zero, 2, cubic_gradient));
  const Vec one = to_double(core::integrate_gradients(x, zero, 1, cubic_gradient));
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double xi = x.data()[i], wi = w.data()[i], cube = wi * xi * xi * xi;
    EXPECT_NEAR(linear[static_cast<size_t>(i)], xi * wi, 1e-6 * std::abs(xi * wi) + 1e-7);
    EXPECT_NEAR(two[static_cast<size_t>(i)], cube, 1e-5 * std::abs(cube) + 1e-7);
    EXPECT_NEAR(one[static_cast<size_t>(i)], 0.75 * cube, 1e-5 * std::abs(cube) + 1e-7);
  }
}

TEST(Attribution, SmoothGradReplaysItsNoiseAndIsTheGradientWithoutIt) {
  auto model = make_model(false, 1, 13);
  const core::WindowBatch batch = make_batch(14);
  const Vec grad = to_double(core::explain_gradient(*model, batch, 1).relevance);
  EXPECT_EQ(to_double(core::explain_smoothgrad(*model, batch, 1, {5, 0.0, 3}).relevance), grad);

  const core::SmoothGradOptions o{3, 0.2, 17};
  const core::Explanation e = core::explain_smoothgrad(*model, batch, 1, o);
  EXPECT_EQ(to_double(core::explain_smoothgrad(*model, batch, 1, o).relevance),
            to_double(e.relevance));
  EXPECT_NE(to_double(core::explain_smoothgrad(*model, batch, 1, {3, 0.2, 18}).relevance),
            to_double(e.relevance));
  // By hand: copy s adds sd_b * N(0, 1) from stream s, sd_b = 0.2 (max - min).
  const int64_t per = kL * kP;
  Vec sd(kB), want(static_cast<size_t>(kB * per), 0.0);
  for (int64_t b = 0; b < kB; ++b) {
    const float* w = batch.x.data() + b * per;
    sd[b] = 0.2 * (double{*std::max_element(w, w + per)} - *std::min_element(w, w + per));
  }
  for (uint64_t s = 0; s < 3; ++s) {
    core::RandomStream rng(17, s);
    core::Tensor noisy = batch.x.clone();
    for (int64_t i = 0; i < noisy.numel(); ++i)
      noisy.data()[i] = static_cast<float>(noisy.data()[i] + sd[i / per] * rng.normal());
    const Vec g =
        to_double(core::explain_gradient(*model, core::with_x(batch, noisy), 1).relevance);
    for (size_t i = 0; i < g.size(); ++i)
      want[i] += g[i] / 3.0;
  }
  EXPECT_TRUE(neuroseq_test::close_to("smoothgrad", to_double(e.relevance), want, 1e-5, 1e-6));
  EXPECT_EQ(e.target, std::vector<int>(kB, 1));
}

TEST(Attribution, LrpConservesTheExplainedLogitWithZeroBiases) {
  for (bool bidirectional : {false, true}) {
    auto model = make_model(bidirectional, 2, 21);
    for (core::Parameter* p : model->parameters())
      if (p->name.ends_with(".bias")) p->value.fill(0.0f);
    model->encoder().time_embedding().table().value.fill(0.0f);
    const core::WindowBatch batch = make_batch(22);
    const Vec logits = logits_at(*model, batch, batch.x);
    using K = core::LrpRule::Kind;
    for (K kind : {K::kEpsilon, K::kGamma, K::kAlphaBeta, K::kZBox}) {
      core::LrpOptions o;
      o.rule = {.kind = kind, .epsilon = 1e-9, .alpha = 2.0, .beta = 1.0};
      const int target = kind == K::kGamma ? 0 : core::kPredicted;
      const core::Explanation e = core::explain_lrp(*model, batch, target, o);
      const Vec r = to_double(e.relevance);
      for (int64_t b = 0; b < kB; ++b) {
        // Seeded with this logit alone: the others' values would show here.
        const double logit = logits[b * kC + e.target[static_cast<size_t>(b)]];
        const double sum = window_sum(r, b);
        EXPECT_LE(std::abs(sum - logit) / std::abs(logit), 1e-3)
            << core::lrp_rule_name(kind) << " bidirectional " << bidirectional << " window " << b;
        EXPECT_LE(e.error[static_cast<size_t>(b)], 1e-3);
        EXPECT_NEAR(e.error[static_cast<size_t>(b)], std::abs(sum - logit) / std::abs(logit), 1e-6);
      }
    }
  }
}

TEST(Attribution, OcclusionAttributesTheLogitDropComputedByHand) {
  auto model = make_model(true, 1, 31);
  const core::WindowBatch batch = make_batch(32);
  const Vec f_x = logits_at(*model, batch, batch.x);
  const core::OcclusionOptions o{0.0f, 4};
  const core::Explanation parcels = core::explain_occlusion_parcels(*model, batch, 2, o);
  const Vec rp = to_double(parcels.relevance);
  for (int64_t p = 0; p < kP; ++p) {
    core::Tensor x = batch.x.clone();
    for (int64_t i = 0; i < kB * kL; ++i)
      x.data()[i * kP + p] = 0.0f;
    const Vec f_occ = logits_at(*model, batch, x);
    for (int64_t b = 0; b < kB; ++b)
      for (int64_t t = 0; t < kL; ++t)
        EXPECT_NEAR(rp[(b * kL + t) * kP + p], (f_x[b * kC + 2] - f_occ[b * kC + 2]) / kL, 1e-6);
  }
  // Blocks of 4 frames in 6: frames 0-3, then 4-5.
  const Vec rt = to_double(core::explain_occlusion_time(*model, batch, 2, o).relevance);
  for (auto [start, end] : std::vector<std::pair<int64_t, int64_t>>{{0, 4}, {4, 6}}) {
    core::Tensor x = batch.x.clone();
    for (int64_t b = 0; b < kB; ++b)
      for (int64_t i = (b * kL + start) * kP; i < (b * kL + end) * kP; ++i)
        x.data()[i] = 0.0f;
    const Vec f_occ = logits_at(*model, batch, x);
    for (int64_t b = 0; b < kB; ++b)
      for (int64_t i = (b * kL + start) * kP; i < (b * kL + end) * kP; ++i)
        EXPECT_NEAR(rt[static_cast<size_t>(i)],
                    (f_x[b * kC + 2] - f_occ[b * kC + 2]) / ((end - start) * kP), 1e-6);
  }
}

TEST(Attribution, ExplainDispatchesEveryMethodAndExplainsTheChosenState) {
  auto model = make_model(false, 1, 41);
  const core::WindowBatch batch = make_batch(42);
  const Vec logits = logits_at(*model, batch, batch.x);
  const std::vector<std::string> names{
      "gradient", "saliency",          "input_x_gradient", "smoothgrad", "integrated_gradients",
      "lrp",      "occlusion_parcels", "occlusion_time"};
  core::ExplainOptions o;
  o.target = 1;
  o.smoothgrad.samples = 4;
  o.integrated_gradients.steps = 8;
  for (const std::string& name : names) {
    const core::AttributionMethod method = core::parse_attribution_method(name);
    EXPECT_EQ(core::attribution_method_name(method), name);
    const core::Explanation e = core::explain(*model, batch, method, o);
    EXPECT_EQ(e.relevance.shape(), batch.x.shape()) << name;
    EXPECT_EQ(e.target, std::vector<int>(kB, 1)) << name;
    for (int64_t b = 0; b < kB; ++b) {
      EXPECT_NEAR(e.logit[static_cast<size_t>(b)], logits[b * kC + 1], 1e-6) << name;
      const bool has_error = name == "integrated_gradients" || name == "lrp";
      EXPECT_EQ(std::isfinite(e.error[static_cast<size_t>(b)]), has_error) << name;
    }
    for (float v : e.relevance.values())
      ASSERT_TRUE(std::isfinite(v)) << name;
  }
  EXPECT_EQ(
      to_double(core::explain(*model, batch, core::AttributionMethod::kGradient, o).relevance),
      to_double(core::explain_gradient(*model, batch, 1).relevance));
}

TEST(Attribution, RefusesUnknownNamesAndBadOptions) {
  auto model = make_model(false, 1, 51);
  const core::WindowBatch batch = make_batch(52);
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::parse_attribution_method("deeplift"); }),
            "unknown attribution method 'deeplift' (expected gradient, saliency, "
            "input_x_gradient, smoothgrad, integrated_gradients, lrp, occlusion_parcels or "
            "occlusion_time)");
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::parse_baseline("blur"); }),
            "integrated_gradients: unknown baseline 'blur' (expected zero or mean)");
  EXPECT_THROW(core::parse_lrp_rule("zplus"), std::invalid_argument);
  EXPECT_EQ(core::parse_lrp_rule("alpha_beta"), core::LrpRule::Kind::kAlphaBeta);
  auto message = [&](core::AttributionMethod m, const core::ExplainOptions& o) {
    return error_of<std::invalid_argument>([&] { core::explain(*model, batch, m, o); });
  };
  using M = core::AttributionMethod;
  core::ExplainOptions o;
  o.target = kC;
  EXPECT_EQ(message(M::kGradient, o),
            "gradient: target state 3 is outside [0, 3) (or -1 for the predicted state)");
  o.target = -2;
  EXPECT_NE(message(M::kLrp, o), "");
  o = {};
  o.smoothgrad.samples = 0;
  EXPECT_EQ(message(M::kSmoothGrad, o), "smoothgrad: samples must be >= 1, got 0");
  o = {};
  o.smoothgrad.sigma = std::nan("");
  EXPECT_NE(message(M::kSmoothGrad, o).find("smoothgrad: sigma"), std::string::npos);
  o = {};
  o.integrated_gradients.steps = 0;
  EXPECT_EQ(message(M::kIntegratedGradients, o), "integrated_gradients: steps must be >= 1, got 0");
  o = {};
  o.lrp.rule.kind = core::LrpRule::Kind::kAlphaBeta;
  o.lrp.rule.alpha = 2.0;
  EXPECT_NE(message(M::kLrp, o).find("lrp: LRP alpha-beta needs"), std::string::npos);
  o = {};
  o.occlusion.block = 0;
  EXPECT_EQ(message(M::kOcclusionTime, o), "occlusion: block must be >= 1 frame, got 0");
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              core::explain_gradient(*model, {core::Tensor({kL, kP}), batch.seconds, {}});
            }),
            "gradient: expected x of rank 3 [B, L, P], got [6, 5]");
}

TEST(ParcelMaps, SumOverFramesAndAverageCorrectlyDecodedWindowsPerState) {
  // relevance[b, t, p] = 100 b + 10 t + p for B = 4, L = 2, P = 3.
  core::Tensor r({4, 2, 3});
  for (int64_t b = 0; b < 4; ++b)
    for (int64_t t = 0; t < 2; ++t)
      for (int64_t p = 0; p < 3; ++p)
        r.data()[(b * 2 + t) * 3 + p] = static_cast<float>(100 * b + 10 * t + p);
  const Vec sums = to_double(core::parcel_relevance(r));  // 200 b + 10 + 2 p
  for (int64_t b = 0; b < 4; ++b)
    for (int64_t p = 0; p < 3; ++p)
      EXPECT_EQ(sums[b * 3 + p], 200.0 * b + 10.0 + 2.0 * p);
  const std::vector<int> predicted{0, 1, 0, 1}, truth{0, 0, 0, 1};
  const core::StateParcelMaps maps = core::state_parcel_maps(r, predicted, truth, 3);
  EXPECT_EQ(maps.windows, (std::vector<int64_t>{2, 1, 0}));
  const Vec mean = to_double(maps.mean);
  for (int64_t p = 0; p < 3; ++p) {
    EXPECT_EQ(mean[p], 200.0 + 10.0 + 2.0 * p);      // windows 0 and 2
    EXPECT_EQ(mean[3 + p], 600.0 + 10.0 + 2.0 * p);  // window 3
    EXPECT_TRUE(std::isnan(mean[6 + p]));
  }
  const std::vector<int> unlabelled{-1, 0, 0, 1}, bad{0, 0, 3, 1};
  EXPECT_EQ(core::state_parcel_maps(r, predicted, unlabelled, 3).windows,
            (std::vector<int64_t>{1, 1, 0}));
  EXPECT_THROW(core::state_parcel_maps(r, predicted, bad, 3), std::invalid_argument);
  EXPECT_THROW(core::state_parcel_maps(r, std::vector<int>{0}, truth, 3), std::invalid_argument);
  EXPECT_THROW(core::parcel_relevance(core::Tensor({4, 3})), std::invalid_argument);
}

TEST(ParcelMaps, FrameMapsAddedInChunksEqualTheNaiveMeanPerFrame) {
  // B = 5 windows, L = 3 frames, P = 2 parcels, 2 states.
  core::Tensor r({5, 3, 2});
  for (int64_t n = 0; n < r.numel(); ++n)
    r.data()[n] = static_cast<float>((n * 37) % 11) - 5.0f;
  const std::vector<int> predicted{1, 0, 1, 1, 0}, truth{1, 0, 0, 1, -1};
  core::StateFrameMaps chunked(2, 3, 2);
  for (int64_t at : {0, 2}) {  // windows [0, 2) then [2, 5)
    const int64_t n = at == 0 ? 2 : 3;
    core::Tensor part({n, 3, 2});
    std::copy_n(r.data() + at * 6, n * 6, part.data());
    chunked.add(part, std::span(predicted).subspan(static_cast<size_t>(at), static_cast<size_t>(n)),
                std::span(truth).subspan(static_cast<size_t>(at), static_cast<size_t>(n)));
  }
  EXPECT_EQ(chunked.windows(), (std::vector<int64_t>{1, 2}));
  const Vec mean = to_double(chunked.mean());
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t p = 0; p < 2; ++p) {
      EXPECT_EQ(mean[(0 * 3 + t) * 2 + p], r.data()[(1 * 3 + t) * 2 + p]);  // window 1
      EXPECT_DOUBLE_EQ(mean[(1 * 3 + t) * 2 + p],
                       (r.data()[(0 * 3 + t) * 2 + p] + r.data()[(3 * 3 + t) * 2 + p]) / 2.0);
    }
  // Summed over frames they are the parcel maps.
  const core::StateParcelMaps maps = core::state_parcel_maps(r, predicted, truth, 2);
  const Vec parcel_mean = to_double(maps.mean);
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t p = 0; p < 2; ++p)
      EXPECT_NEAR(mean[(k * 3 + 0) * 2 + p] + mean[(k * 3 + 1) * 2 + p] + mean[(k * 3 + 2) * 2 + p],
                  parcel_mean[k * 2 + p], 1e-5);
  EXPECT_THROW(chunked.add(core::Tensor({1, 2, 2}), std::vector<int>{0}, std::vector<int>{0}),
               std::invalid_argument);
  EXPECT_THROW(core::StateFrameMaps(0, 3, 2), std::invalid_argument);
}

}  // namespace
