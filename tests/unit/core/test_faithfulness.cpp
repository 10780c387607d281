// Faithfulness tests of attribution maps: occlusion accuracy curves and
// deletion curves against numbers worked out by hand on a model linear in
// the parcels, the random-order control replayed from its permutations, and
// invariants on a real long-conv classifier (the intact and fully occluded
// ends, independence of the chunk size).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "core/attribution/explain.h"
#include "core/attribution/faithfulness.h"
#include "core/attribution/parcel_maps.h"
#include "random_tensor.h"

namespace {

using Vec = std::vector<double>;

// logits[b, k] = bias[k] + sum_{t, p} w[k][p] x[b, t, p]; counts its calls.
struct LinearModel {
  std::vector<Vec> w;  // [C][P]
  Vec bias;            // [C]
  int calls = 0;
  int64_t widest = 0;

  core::LogitFunction fn() {
    return [this](const core::WindowBatch& batch) {
      ++calls;
      const int64_t b = batch.x.size(0), l = batch.x.size(1), p = batch.x.size(2);
      const auto c = static_cast<int64_t>(w.size());
      widest = std::max(widest, b);
      core::Tensor out({b, c});
      for (int64_t i = 0; i < b; ++i)
        for (int64_t k = 0; k < c; ++k) {
          double z = bias[static_cast<size_t>(k)];
          for (int64_t t = 0; t < l; ++t)
            for (int64_t j = 0; j < p; ++j)
              z += w[static_cast<size_t>(k)][static_cast<size_t>(j)] *
                   batch.x.data()[(i * l + t) * p + j];
          out.data()[i * c + k] = static_cast<float>(z);
        }
      return out;
    };
  }
};

// Windows of two frames whose parcel values are half of `sums` in each frame.
core::WindowBatch batch_of(const std::vector<Vec>& sums) {
  const auto b = static_cast<int64_t>(sums.size()), p = static_cast<int64_t>(sums[0].size());
  core::Tensor x({b, 2, p});
  for (int64_t i = 0; i < b; ++i)
    for (int64_t t = 0; t < 2; ++t)
      for (int64_t j = 0; j < p; ++j)
        x.data()[(i * 2 + t) * p + j] =
            static_cast<float>(sums[static_cast<size_t>(i)][static_cast<size_t>(j)] / 2);
  const Vec tr(static_cast<size_t>(b), 1.0);
  return {x, core::elapsed_seconds(tr, 2), {}};
}

core::Tensor rows(const std::vector<Vec>& r) {
  std::vector<float> v;
  for (const Vec& row : r)
    v.insert(v.end(), row.begin(), row.end());
  return core::Tensor::from_values(
      {static_cast<int64_t>(r.size()), static_cast<int64_t>(r[0].size())}, v);
}

TEST(Faithfulness, AccuracyCurvesMatchAHandWorkedCase) {
  // State 0 wins while parcels 0 and 1 sum above 0.5; state 1 is a constant.
  LinearModel model{{{1, 1, 0, 0}, {0, 0, 0, 0}}, {0, 0.5}};
  const core::WindowBatch batch = batch_of({{1, 1, 0, 0}, {0, 0, 0, 0}, {9, 9, 9, 9}});
  const std::vector<int> truth{0, 1, -1};  // the third window is unlabelled
  core::FaithfulnessOptions options;
  options.fractions = {0, 0.25, 0.5, 0.75, 1};
  options.chunk = 4;
  const core::Tensor good = rows({{2, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}});
  const core::FaithfulnessResult r =
      core::occlusion_faithfulness(model.fn(), batch, truth, good, options);
  EXPECT_EQ(r.occluded, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(r.chance, 0.5);
  EXPECT_EQ(r.relevance.accuracy, (Vec{1, 1, 0.5, 0.5, 0.5}));
  ASSERT_TRUE(r.relevance.score.has_value());
  EXPECT_DOUBLE_EQ(*r.relevance.score, 0.5);
  // 2 orders x 5 fractions x 2 labelled windows, 4 at a time.
  EXPECT_EQ(model.calls, 5);
  EXPECT_EQ(model.widest, 4);

  // The worst ranking keeps parcels 0 and 1 until the end.
  const core::Tensor bad = rows({{0, 0, 1, 2}, {0, 0, 0, 0}, {0, 0, 0, 0}});
  const core::FaithfulnessResult worst =
      core::occlusion_faithfulness(model.fn(), batch, truth, bad, options);
  EXPECT_EQ(worst.relevance.accuracy, (Vec{1, 1, 1, 1, 0.5}));
  EXPECT_DOUBLE_EQ(*worst.relevance.score, 1.0);
  options.fractions = {0, 0.25, 0.5, 0.75};
  EXPECT_FALSE(core::occlusion_faithfulness(model.fn(), batch, truth, bad, options)
                   .relevance.score.has_value());
  options.tolerance = 0.5;  // chance + 0.5 = 1: reached at once
  EXPECT_DOUBLE_EQ(
      *core::occlusion_faithfulness(model.fn(), batch, truth, bad, options).relevance.score, 0.0);

  // The control, replayed from its permutations: window 0 is right while
  // parcels 0 and 1 are not both among the first occluded.
  const auto order = core::random_order(3, 4, options.seed);
  const auto& o = order[0];
  Vec want;
  for (int64_t count : r.occluded) {
    const bool gone = std::find(o.begin(), o.begin() + count, 0) != o.begin() + count &&
                      std::find(o.begin(), o.begin() + count, 1) != o.begin() + count;
    want.push_back(gone ? 0.5 : 1.0);
  }
  EXPECT_EQ(r.random.accuracy, want);
}

TEST(Faithfulness, DefaultGridOccludesCeilOfFractionTimesParcels) {
  LinearModel model{{Vec(20, 1.0), Vec(20, 0.0)}, {0, 0}};
  const core::WindowBatch batch = batch_of({Vec(20, 1.0)});
  const core::FaithfulnessResult r =
      core::occlusion_faithfulness(model.fn(), batch, std::vector<int>{0}, rows({Vec(20, 0.0)}));
  ASSERT_EQ(r.fractions.size(), 11u);
  EXPECT_NEAR(r.fractions.back(), 0.5, 1e-12);
  EXPECT_EQ(r.occluded, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(Faithfulness, OrdersRankByRelevanceAndPermuteReproducibly) {
  const float nan = std::nanf("");
  const auto by =
      core::relevance_order(core::Tensor::from_values({2, 4}, {1, 3, 3, -1, nan, 0, nan, 2}));
  EXPECT_EQ(by[0], (std::vector<int64_t>{1, 2, 0, 3}));
  EXPECT_EQ(by[1], (std::vector<int64_t>{3, 1, 0, 2}));
  const auto a = core::random_order(5, 30, 7), b = core::random_order(5, 30, 7);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, core::random_order(5, 30, 8));
  EXPECT_NE(a[0], a[1]);  // each window its own stream
  for (auto row : a) {
    std::sort(row.begin(), row.end());
    std::vector<int64_t> all(30);
    std::iota(all.begin(), all.end(), int64_t{0});
    EXPECT_EQ(row, all);
  }
}

TEST(Faithfulness, DeletionCurvesMatchAHandWorkedCase) {
  // Target 0's contributions per parcel are 4, 3, 2, 1 (sum 10); the bias
  // cancels in the normalisation. Window 1 has no contribution at all.
  LinearModel model{{{2, 1, 1, 1}, {0, 0, 0, 0}}, {5, 0}};
  const core::WindowBatch batch = batch_of({{2, 3, 2, 1}, {0, 0, 0, 0}});
  const std::vector<int> targets{0, 0};
  const core::Tensor perfect = rows({{4, 3, 2, 1}, {1, 2, 3, 4}});
  core::DeletionOptions options;
  options.chunk = 3;
  const core::DeletionCurves d =
      core::deletion_curves(model.fn(), batch, targets, perfect, options);
  EXPECT_EQ(d.fractions, (Vec{0, 0.25, 0.5, 0.75, 1}));
  ASSERT_EQ(d.relevance.size(), 2u);
  for (size_t i = 0; i < 5; ++i)
    EXPECT_NEAR(d.relevance[0][i], (Vec{1, 0.6, 0.3, 0.1, 0})[i], 1e-6);
  EXPECT_NEAR(d.relevance_auc[0], 0.375, 1e-6);
  EXPECT_TRUE(std::isnan(d.relevance_auc[1]));
  EXPECT_TRUE(std::isnan(d.relevance[1][2]));
  EXPECT_NEAR(d.mean_relevance_auc, 0.375, 1e-6);
  EXPECT_EQ(model.calls, 6);  // 2 x 2 ends + 2 orders x 3 levels x 2 windows: 16 rows, 3 a call

  const core::Tensor reverse = rows({{1, 2, 3, 4}, {0, 0, 0, 0}});
  const core::DeletionCurves r = core::deletion_curves(model.fn(), batch, targets, reverse);
  EXPECT_NEAR(r.relevance_auc[0], 0.625, 1e-6);

  options.step = 3;  // counts 0, 3, 4: a short last step
  const core::DeletionCurves s =
      core::deletion_curves(model.fn(), batch, targets, perfect, options);
  EXPECT_EQ(s.fractions, (Vec{0, 0.75, 1}));
  EXPECT_NEAR(s.relevance_auc[0], 0.75 * 1.1 / 2 + 0.25 * 0.1 / 2, 1e-6);

  // The control, replayed: 1 - (sum of the deleted contributions) / 10.
  const Vec c{4, 3, 2, 1};
  const auto o = core::random_order(2, 4, options.seed)[0];
  double deleted = 0;
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(d.random[0][k], 1 - deleted / 10, 1e-6);
    deleted += c[static_cast<size_t>(o[k])];
  }
  EXPECT_NEAR(d.mean_random_auc, d.random_auc[0], 1e-12);
}

TEST(Faithfulness, ExactContributionsDeleteNoLaterThanTheReverseOrRandomOrder) {
  const int64_t b = 8, p = 12;
  const core::Tensor w = neuroseq_test::random_uniform({2, p}, 3, 0.0, 1.0);
  LinearModel model{{Vec(w.data(), w.data() + p), Vec(w.data() + p, w.data() + 2 * p)}, {0, 0}};
  const core::Tensor x = neuroseq_test::random_uniform({b, 1, p}, 4, -0.5, 1.0);
  const core::WindowBatch batch{x, core::Tensor({b, 1}), {}};
  std::vector<int> targets(static_cast<size_t>(b), 0);
  core::Tensor exact({b, p}), reverse({b, p});
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < p; ++j) {
      exact.data()[i * p + j] = w.data()[j] * x.data()[i * p + j];
      reverse.data()[i * p + j] = -exact.data()[i * p + j];
    }
  const core::DeletionCurves best = core::deletion_curves(model.fn(), batch, targets, exact);
  const core::DeletionCurves worst = core::deletion_curves(model.fn(), batch, targets, reverse);
  int checked = 0;
  for (int64_t i = 0; i < b; ++i) {
    double total = 0;
    for (int64_t j = 0; j < p; ++j)
      total += exact.data()[i * p + j];
    if (total <= 0) continue;  // deleting the largest first lowers a positive logit fastest
    ++checked;
    const auto at = static_cast<size_t>(i);
    EXPECT_LE(best.relevance_auc[at], worst.relevance_auc[at] + 1e-9);
    EXPECT_LE(best.relevance_auc[at], best.random_auc[at] + 1e-9);
    EXPECT_LE(best.relevance_auc[at], 0.5 + 1e-6);  // sorted prefix sums are concave
  }
  EXPECT_GE(checked, 4);
}

std::unique_ptr<core::WindowClassifier> small_classifier() {
  core::EncoderConfig c;
  c.parcels = 5;
  c.dim = 8;
  c.layers = 1;
  c.dropout = 0.0f;
  c.max_frames = 8;
  c.max_seconds = 16.0;
  c.smooth_window = 3;
  auto model = std::make_unique<core::WindowClassifier>(c, 3, 11);
  for (core::Parameter* p : model->parameters())
    if (p->name.ends_with(".kernel"))
      p->value = neuroseq_test::random_normal(p->value.shape(), 12, 0, 0.3);
  return model;
}

TEST(Faithfulness, ClassifierEndsAreTheModelsAccuracyAndAConstantPrediction) {
  auto model = small_classifier();
  const int64_t b = 9, l = 6;
  for (bool same_tr : {false, true}) {
    Vec tr;
    for (int64_t i = 0; i < b; ++i)
      tr.push_back(same_tr ? 1.0 : 0.7 + 0.1 * static_cast<double>(i));
    const core::WindowBatch batch{
        neuroseq_test::random_normal({b, l, 5}, 13), core::elapsed_seconds(tr, l), {}};
    const core::Tensor logits = core::eval_logits(*model, batch);
    const std::vector<int> predicted = core::resolve_targets(logits, core::kPredicted, "test");
    std::vector<int> truth;
    for (int64_t i = 0; i < b; ++i)
      truth.push_back(static_cast<int>(i % 3));
    const core::Explanation e =
        core::explain(*model, batch, core::AttributionMethod::kOcclusionParcels);
    const core::Tensor relevance = core::parcel_relevance(e.relevance);
    core::FaithfulnessOptions options;
    options.fractions = {0, 0.4, 1};
    const core::FaithfulnessResult r =
        core::occlusion_faithfulness(*model, batch, truth, relevance, options);
    double correct = 0;
    for (int64_t i = 0; i < b; ++i)
      correct += predicted[static_cast<size_t>(i)] == truth[static_cast<size_t>(i)];
    EXPECT_DOUBLE_EQ(r.relevance.accuracy[0], correct / b);
    EXPECT_DOUBLE_EQ(r.random.accuracy[0], correct / b);
    EXPECT_DOUBLE_EQ(r.relevance.accuracy[2], r.random.accuracy[2]);
    if (same_tr) {  // every window the same once all parcels are gone
      const core::WindowBatch zero = core::with_x(batch, core::Tensor({b, l, 5}));
      const int k =
          core::resolve_targets(core::eval_logits(*model, zero), core::kPredicted, "t")[0];
      EXPECT_DOUBLE_EQ(r.relevance.accuracy[2], 1.0 / 3.0) << "state " << k;
    }
    options.chunk = 2;
    const core::FaithfulnessResult chunked =
        core::occlusion_faithfulness(*model, batch, truth, relevance, options);
    EXPECT_EQ(chunked.relevance.accuracy, r.relevance.accuracy);
    EXPECT_EQ(chunked.random.accuracy, r.random.accuracy);

    core::DeletionOptions deletion;
    deletion.step = 2;
    const core::DeletionCurves d =
        core::deletion_curves(*model, batch, e.target, relevance, deletion);
    deletion.chunk = 5;
    const core::DeletionCurves d5 =
        core::deletion_curves(*model, batch, e.target, relevance, deletion);
    EXPECT_EQ(d.fractions, (Vec{0, 0.4, 0.8, 1}));
    for (int64_t i = 0; i < b; ++i) {
      const auto at = static_cast<size_t>(i);
      // Windows whose fully deleted version scores the state at least as high
      // have no curve, whatever the chunk size.
      if (std::isnan(d.relevance[at].front())) {
        EXPECT_TRUE(std::isnan(d5.relevance_auc[at]));
        EXPECT_TRUE(std::isnan(d.random[at].back()));
        continue;
      }
      EXPECT_DOUBLE_EQ(d.relevance[at].front(), 1.0);
      EXPECT_DOUBLE_EQ(d.random[at].back(), 0.0);
      EXPECT_NEAR(d.relevance_auc[at], d5.relevance_auc[at], 1e-4);
      EXPECT_NEAR(d.random_auc[at], d5.random_auc[at], 1e-4);
    }
  }
}

TEST(Faithfulness, RefusesWhatItCannotScore) {
  LinearModel model{{{1, 0}, {0, 1}}, {0, 0}};
  const core::WindowBatch batch = batch_of({{1, 0}, {0, 1}});
  const core::Tensor relevance = rows({{1, 0}, {0, 1}});
  const std::vector<int> truth{0, 1};
  auto faith = [&](std::vector<int> t, const core::Tensor& r, core::FaithfulnessOptions o = {}) {
    return core::occlusion_faithfulness(model.fn(), batch, t, r, o);
  };
  EXPECT_NO_THROW(faith(truth, relevance));
  EXPECT_THROW(faith({0}, relevance), std::invalid_argument);
  EXPECT_THROW(faith(truth, rows({{1, 0, 0}, {0, 1, 0}})), std::invalid_argument);
  EXPECT_THROW(faith({-1, -1}, relevance), std::invalid_argument);
  EXPECT_THROW(faith({0, 2}, relevance), std::invalid_argument);
  EXPECT_THROW(faith(truth, relevance, {.fractions = {0.5, 1.5}}), std::invalid_argument);
  core::FaithfulnessOptions no_chunk, negative;
  no_chunk.chunk = 0;
  negative.tolerance = -0.1;
  EXPECT_THROW(faith(truth, relevance, no_chunk), std::invalid_argument);
  EXPECT_THROW(faith(truth, relevance, negative), std::invalid_argument);
  auto del = [&](std::vector<int> t, core::DeletionOptions o = {}) {
    return core::deletion_curves(model.fn(), batch, t, relevance, o);
  };
  EXPECT_NO_THROW(del(truth));
  EXPECT_THROW(del({0, 2}), std::invalid_argument);
  EXPECT_THROW(del({0, -1}), std::invalid_argument);
  EXPECT_THROW(del(truth, {.step = 0}), std::invalid_argument);
  core::DeletionOptions nan_reference;
  nan_reference.reference = std::nanf("");
  EXPECT_THROW(del(truth, nan_reference), std::invalid_argument);
}

}  // namespace
