// The models around the encoder: the window classifier (pooling, gradients,
// relevance conservation), pretraining (each objective's loss against an
// independent computation, the frame mask, and the loss's gradients), and
// moving weights between them by name.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/models/encoder.h"
#include "core/models/model_io.h"
#include "core/models/pretraining.h"
#include "core/models/window_classifier.h"
#include "error_of.h"
#include "finite_difference.h"
#include "gradient_check.h"
#include "random_tensor.h"

namespace {

using core::MixerKind;
using neuroseq_test::error_of;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::to_double;
using Vec = std::vector<double>;

constexpr int64_t kB = 2, kL = 6, kP = 5, kD = 8, kC = 3;

core::EncoderConfig small_config(MixerKind mixer, bool bidirectional = false) {
  core::EncoderConfig c;
  c.parcels = kP;
  c.dim = kD;
  c.layers = 1;
  c.mixer = mixer;
  c.dropout = 0.0f;
  c.max_frames = 8;
  c.max_seconds = 8.0;
  c.bidirectional = bidirectional;
  c.squash_lambda = 0.0f;  // no dead zone: finite differences see backward's function
  c.smooth_window = 3;
  c.s4d_state = 4;
  c.heads = 2;
  c.hyena_filter_width = 8;
  return c;
}

core::Tensor small_seconds() {
  const std::vector<double> tr{0.7, 1.3};
  return core::elapsed_seconds(tr, kL);
}

// The classifier as a Module of x: its head's parameters only (the encoder's
// gradients are checked in test_encoder.cpp; here x's gradient checks the
// pooling's adjoint).
class ClassifierOfX final : public core::Module {
 public:
  explicit ClassifierOfX(core::WindowClassifier& model) : Module("classifier"), model_(model) {}

 protected:
  void check_input(const core::Tensor&) const override {}
  core::Shape output_shape(const core::Shape& in) const override {
    return {in[0], model_.states()};
  }
  core::Tensor forward_impl(const core::Tensor& x, core::Context& ctx) override {
    ctx.children.resize(1);
    return model_.forward({x, small_seconds(), {}}, ctx.children[0], ctx.mode);
  }
  core::Tensor backward_impl(const core::Tensor& g, const core::Context& ctx) override {
    return model_.backward(g, ctx.children[0]);
  }
  core::Tensor relevance_impl(const core::Tensor& r, const core::Context& ctx,
                              const core::LrpRule& rule) override {
    return model_.relevance(r, ctx.children[0], rule);
  }
  void collect_parameters(std::vector<core::Parameter*>& out) override {
    for (core::Parameter* p : model_.head().parameters())
      out.push_back(p);
  }

 private:
  core::WindowClassifier& model_;
};

// Every combination of encoder and pooling the classifier allows: each
// encoder's default, and each pooling asked for explicitly on the other.
struct PoolingCase {
  bool bidirectional;
  core::Pooling pooling;
};
const std::vector<PoolingCase> kPoolingCases = {{true, core::Pooling::kMean},
                                                {false, core::Pooling::kLast},
                                                {false, core::Pooling::kMean},
                                                {true, core::Pooling::kLast}};

TEST(WindowClassifier, DefaultPoolingIsTheMeanWhenBidirectionalAndTheLastFrameWhenCausal) {
  EXPECT_EQ(core::default_pooling(small_config(MixerKind::kLongConv, true)), core::Pooling::kMean);
  EXPECT_EQ(core::default_pooling(small_config(MixerKind::kLongConv, false)), core::Pooling::kLast);
  EXPECT_EQ(core::default_pooling(small_config(MixerKind::kAttention)), core::Pooling::kLast);
  EXPECT_EQ(core::WindowClassifier(small_config(MixerKind::kLongConv, true), kC, 2).pooling(),
            core::Pooling::kMean);
  EXPECT_EQ(core::pooling_from_string(core::to_string(core::Pooling::kMean)), core::Pooling::kMean);
  EXPECT_EQ(core::pooling_from_string(core::to_string(core::Pooling::kLast)), core::Pooling::kLast);
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::pooling_from_string("max"); }),
            "pooling must be last or mean, not 'max'");
}

TEST(WindowClassifier, PoolsTheLastFrameOrTheMeanAsAsked) {
  const core::Tensor x = random_normal({kB, kL, kP}, 1);
  for (const auto [bidirectional, pooling] : kPoolingCases) {
    core::WindowClassifier model(small_config(MixerKind::kLongConv, bidirectional), kC, 2, pooling);
    core::Context ctx, alone;
    const core::WindowBatch batch{x, small_seconds(), {}};
    const Vec logits = to_double(model.forward(batch, ctx));
    const Vec pooled = to_double(model.features(batch, ctx));
    const Vec y = to_double(model.encoder().forward(batch, alone));  // [B, L, D]
    Vec want(kB * kD, 0.0);
    for (int64_t b = 0; b < kB; ++b)
      for (int64_t c = 0; c < kD; ++c) {
        if (pooling == core::Pooling::kLast) {
          want[b * kD + c] = y[(b * kL + kL - 1) * kD + c];
          continue;
        }
        for (int64_t t = 0; t < kL; ++t)
          want[b * kD + c] += y[(b * kL + t) * kD + c] / kL;
      }
    EXPECT_TRUE(neuroseq_test::close_to("pooled", pooled, want, 1e-6, 1e-6))
        << bidirectional << " " << core::to_string(pooling);
    // Logits = W pooled + b.
    const Vec w = to_double(model.head().weight().value),
              bias = to_double(model.head().bias().value);
    Vec want_logits(kB * kC);
    for (int64_t b = 0; b < kB; ++b)
      for (int64_t k = 0; k < kC; ++k) {
        want_logits[b * kC + k] = bias[k];
        for (int64_t c = 0; c < kD; ++c)
          want_logits[b * kC + k] += w[k * kD + c] * want[b * kD + c];
      }
    EXPECT_TRUE(neuroseq_test::close_to("logits", logits, want_logits, 1e-5, 1e-6));
  }
}

TEST(WindowClassifier, BackwardNeedsAForwardContextAndGradientsOfTheLogitsShape) {
  core::WindowClassifier model(small_config(MixerKind::kS4D), kC, 8);
  core::Context ctx, none, features_only;
  model.forward({random_normal({kB, kL, kP}, 9), small_seconds(), {}}, ctx);
  EXPECT_EQ(error_of<std::invalid_argument>([&] {
              model.backward(core::Tensor({kB, kD}), ctx);
            }),
            "head backward: expected [2, 3], got [2, 8]");
  EXPECT_THROW(model.backward(core::Tensor({kB, kC}), none), std::logic_error);
  EXPECT_THROW(model.relevance(core::Tensor({kB, kC}), none, {}), std::logic_error);
  model.features({random_normal({kB, kL, kP}, 9), small_seconds(), {}}, features_only);
  EXPECT_THROW(model.backward(core::Tensor({kB, kC}), features_only), std::logic_error);
}

TEST(WindowClassifier, GradientsMatchFiniteDifferencesForBothPoolings) {
  for (const auto [bidirectional, pooling] : kPoolingCases) {
    core::WindowClassifier model(small_config(MixerKind::kLongConv, bidirectional), kC, 3, pooling);
    ClassifierOfX module(model);
    EXPECT_TRUE(neuroseq_test::gradients_match_float(module, random_normal({kB, kL, kP}, 4)))
        << "bidirectional " << bidirectional << ", pooling " << core::to_string(pooling);
  }
}

TEST(WindowClassifier, ConservesRelevanceFromTheLogitsWithZeroBiases) {
  // As in test_encoder's whole-encoder check, plus the head's bias; the mean
  // pooling shares by contribution (conservative), the last position copies.
  for (MixerKind mixer :
       {MixerKind::kLongConv, MixerKind::kS4D, MixerKind::kHyena, MixerKind::kAttention}) {
    for (const auto [bidirectional, pooling] : kPoolingCases) {
      if (bidirectional && mixer != MixerKind::kLongConv) continue;
      core::WindowClassifier model(small_config(mixer, bidirectional), kC, 5, pooling);
      for (core::Parameter* p : model.parameters())
        if (p->name.ends_with(".bias") && p->name.find("filter_fn") == std::string::npos)
          p->value.fill(0.0f);
      model.encoder().time_embedding().table().value.fill(0.0f);
      ClassifierOfX module(model);
      core::LrpRule rule;
      rule.epsilon = 1e-9;
      EXPECT_TRUE(neuroseq_test::relevance_conserved(module, random_normal({kB, kL, kP}, 6),
                                                     random_uniform({kB, kC}, 7, 0.5, 1.5), rule))
          << core::mixer_name(mixer) << " bidirectional " << bidirectional << ", pooling "
          << core::to_string(pooling);
    }
  }
}

// ---- Pretraining ----

// mean over b, counted t and p of |pred[b, t, p] - x[b, t + shift, p]| in double.
double l1_by_hand(const Vec& pred, const Vec& x, const std::vector<uint8_t>& counted,
                  int64_t shift) {
  double sum = 0.0;
  int64_t n = 0;
  for (int64_t b = 0; b < kB; ++b)
    for (int64_t t = 0; t < kL; ++t) {
      if (!counted[b * kL + t]) continue;
      for (int64_t p = 0; p < kP; ++p)
        sum += std::abs(pred[(b * kL + t) * kP + p] - x[(b * kL + t + shift) * kP + p]);
      n += kP;
    }
  return sum / static_cast<double>(n);
}

// The reconstruction [B, L, P] of a batch, by the model's parts.
Vec reconstruct(core::PretrainingModel& model, const core::WindowBatch& batch,
                const core::ForwardMode& mode) {
  core::Context c1, c2;
  const core::Tensor y = model.encoder().forward(batch, c1, mode);
  return to_double(model.reconstruction().forward(y, c2, mode));
}

TEST(Pretraining, CausalAndAutoencodeLossesMatchAnIndependentComputation) {
  const core::Tensor x = random_normal({kB, kL, kP}, 11);
  const core::WindowBatch batch{x, small_seconds(), {}};
  const Vec xd = to_double(x);
  core::PretrainingModel causal(small_config(MixerKind::kS4D), core::PretrainObjective::kCausal,
                                12);
  std::vector<uint8_t> all_but_last(kB * kL, 1);
  all_but_last[kL - 1] = all_but_last[2 * kL - 1] = 0;
  const double want = l1_by_hand(reconstruct(causal, batch, {}), xd, all_but_last, 1);
  EXPECT_NEAR(causal.loss(batch, {}, false), want, 1e-6 * want);

  core::PretrainingModel autoencode(small_config(MixerKind::kAttention),
                                    core::PretrainObjective::kAutoencode, 13);
  const double want_ae =
      l1_by_hand(reconstruct(autoencode, batch, {}), xd, std::vector<uint8_t>(kB * kL, 1), 0);
  EXPECT_NEAR(autoencode.loss(batch, {}, false), want_ae, 1e-6 * want_ae);

  const core::WindowBatch one_frame{random_normal({kB, 1, kP}, 14), core::Tensor({kB, 1}), {}};
  EXPECT_EQ(error_of<std::invalid_argument>([&] { causal.loss(one_frame, {}, false); }),
            "causal pretraining needs windows of >= 2 frames");
}

TEST(Pretraining, CausalObjectiveRefusesAnEncoderThatSeesTheNextFrame) {
  // A bidirectional long convolution's output at t sees x[t + 1]: predicting
  // it would be copying.
  EXPECT_NE(error_of<std::invalid_argument>([] {
              core::PretrainingModel(small_config(MixerKind::kLongConv, true),
                                     core::PretrainObjective::kCausal, 1);
            }).find("causal pretraining needs a causal encoder"),
            std::string::npos);
  EXPECT_NO_THROW(core::PretrainingModel(small_config(MixerKind::kLongConv, true),
                                         core::PretrainObjective::kMasked, 1));
}

TEST(Pretraining, FrameMaskIsAFunctionOfSeedAndStepWithAtLeastOneFramePerWindow) {
  const auto mask = core::draw_frame_mask(50, 8, 0.2, 7, 3);
  EXPECT_EQ(mask, core::draw_frame_mask(50, 8, 0.2, 7, 3));
  EXPECT_NE(mask, core::draw_frame_mask(50, 8, 0.2, 7, 4));
  EXPECT_NE(mask, core::draw_frame_mask(50, 8, 0.2, 8, 3));
  for (double ratio : {1e-9, 0.05, 0.5}) {
    const auto m = core::draw_frame_mask(500, 8, ratio, 9, 1);
    int64_t hidden = 0;
    for (int64_t b = 0; b < 500; ++b) {
      int64_t in_window = 0;
      for (int64_t t = 0; t < 8; ++t) {
        ASSERT_LE(m[b * 8 + t], 1);
        in_window += m[b * 8 + t];
      }
      ASSERT_GE(in_window, 1) << "window " << b << " ratio " << ratio;
      if (ratio < 1e-6) {
        ASSERT_EQ(in_window, 1);  // only the forced frame
      }
      hidden += in_window;
    }
    // 4000 frames: ratio 0.5 hides 2000 +- 32 (1 sd), plus the windows
    // forced to one frame (1/256 of them).
    if (ratio == 0.5) {
      EXPECT_NEAR(static_cast<double>(hidden) / 4000.0, 0.5, 0.04);
    }
  }
}

TEST(Pretraining, MaskedLossCountsOnlyTheMaskedFrames) {
  const double ratio = 0.3;
  core::PretrainingModel model(small_config(MixerKind::kHyena), core::PretrainObjective::kMasked,
                               21, ratio);
  const core::Tensor x = random_normal({kB, kL, kP}, 22);
  const core::ForwardMode mode{.training = false, .seed = 5, .step = 17};
  const auto mask = core::draw_frame_mask(kB, kL, ratio, mode.seed, mode.step);
  // A mask handed in with the batch is replaced by the drawn one.
  const core::WindowBatch batch{x, small_seconds(), std::vector<uint8_t>(kB * kL, 1)};
  const Vec pred = reconstruct(model, {x, small_seconds(), mask}, mode);
  const double want = l1_by_hand(pred, to_double(x), mask, 0);
  const double got = model.loss(batch, mode, false);
  EXPECT_NEAR(got, want, 1e-6 * want);
  // Counting every frame would give another value: the test can tell.
  const double all = l1_by_hand(pred, to_double(x), std::vector<uint8_t>(kB * kL, 1), 0);
  EXPECT_GT(std::abs(all - want), 1e-3 * want);
}

TEST(Pretraining, LossGradientsMatchFiniteDifferences) {
  // Masked objective with dropout while training: (seed, step) fix both the
  // frame mask and the dropout masks.
  core::EncoderConfig c = small_config(MixerKind::kLongConv);
  c.dropout = 0.2f;
  core::PretrainingModel model(c, core::PretrainObjective::kMasked, 31, 0.4);
  const core::WindowBatch batch{random_normal({kB, kL, kP}, 32), small_seconds(), {}};
  const core::ForwardMode mode{.training = true, .seed = 3, .step = 8};
  // A kernel well above its N(0, 0.002) start, so that unmasked frames, and
  // with them the embedding, visibly reach the masked ones.
  for (core::Parameter* p : model.parameters())
    if (p->name.ends_with(".conv.kernel")) p->value = random_normal(p->value.shape(), 33, 0.0, 0.3);
  model.zero_grad();
  model.loss(batch, mode, true);
  // A small step: the L1 loss has kinks where pred = x, and a larger step
  // would cross some. The loss's float rounding (~1e-7) then costs ~1e-4,
  // hence the absolute floor.
  const double h = 1e-3;
  int checked = 0;
  for (core::Parameter* p : model.parameters()) {
    const std::string& n = p->name;
    if (n != "encoder.embed.proj.weight" && n != "encoder.mask_vector" &&
        n != "encoder.time.table" && n != "encoder.final_norm.weight" &&
        !n.ends_with(".conv.kernel") && !n.starts_with("reconstruction.")) {
      continue;
    }
    ++checked;
    Vec numeric;
    float* v = p->value.data();
    for (int64_t i = 0; i < p->value.numel(); ++i) {
      const float keep = v[i];
      v[i] = static_cast<float>(keep + h);
      const double up_at = v[i], up = model.loss(batch, mode, false);
      v[i] = static_cast<float>(keep - h);
      const double down_at = v[i], down = model.loss(batch, mode, false);
      v[i] = keep;
      numeric.push_back((up - down) / (up_at - down_at));
    }
    const Vec analytic = to_double(p->grad);
    double scale = 0.0;
    for (double d : numeric)
      scale = std::max(scale, std::abs(d));
    for (size_t i = 0; i < numeric.size(); ++i)
      EXPECT_NEAR(analytic[i], numeric[i], 1e-2 * std::abs(numeric[i]) + 1e-2 * scale + 2e-4)
          << n << "[" << i << "]";
    EXPECT_GT(scale, 1e-3) << n;  // a live parameter, not 0 = 0
  }
  EXPECT_EQ(checked, 7);
}

TEST(Pretraining, RejectsBadSettingsAndNames) {
  EXPECT_THROW(core::PretrainingModel(small_config(MixerKind::kS4D),
                                      core::PretrainObjective::kMasked, 1, 0.0),
               std::invalid_argument);
  EXPECT_THROW(core::PretrainingModel(small_config(MixerKind::kS4D),
                                      core::PretrainObjective::kMasked, 1, 1.0),
               std::invalid_argument);
  for (auto o : {core::PretrainObjective::kCausal, core::PretrainObjective::kMasked,
                 core::PretrainObjective::kAutoencode})
    EXPECT_EQ(core::parse_objective(core::objective_name(o)), o);
  EXPECT_EQ(error_of<std::invalid_argument>([] { core::parse_objective("jigsaw"); }),
            "unknown objective 'jigsaw' (expected causal, masked or autoencode)");
}

std::vector<float> values_of(std::vector<core::Parameter*> params) {
  std::vector<float> out;
  for (const core::Parameter* p : params)
    out.insert(out.end(), p->value.values().begin(), p->value.values().end());
  return out;
}

// ---- Weights by name ----

TEST(ModelIo, LoadsOnlyThePrefixAndNamesTheTensorThatDoesNotFit) {
  core::PretrainingModel pretrained(small_config(MixerKind::kLongConv),
                                    core::PretrainObjective::kMasked, 1);
  core::WindowClassifier decoder(small_config(MixerKind::kLongConv), 3, 2);
  const core::SafetensorsContents weights{core::parameter_tensors(pretrained.parameters()), {}};
  const std::vector<float> head_before = values_of(decoder.head().parameters());
  core::load_parameters(weights, decoder.parameters(), "pre.safetensors", "encoder.");
  EXPECT_EQ(values_of(decoder.encoder().parameters()),
            values_of(pretrained.encoder().parameters()));
  EXPECT_EQ(values_of(decoder.head().parameters()), head_before);  // no "encoder." prefix
  // Copies, not views of the source.
  pretrained.encoder().mask_vector().value.fill(5.0f);
  EXPECT_NE(decoder.encoder().mask_vector().value.data()[0], 5.0f);
  // Without a prefix the head must be there too.
  EXPECT_EQ(error_of<std::runtime_error>(
                [&] { core::load_parameters(weights, decoder.parameters(), "pre.safetensors"); }),
            "pre.safetensors: no tensor head.weight in the checkpoint");
  core::SafetensorsContents wrong = weights;
  for (auto& t : wrong.tensors)
    if (t.name == "encoder.time.table") t.tensor = core::Tensor({3, 8});
  EXPECT_EQ(error_of<std::runtime_error>([&] {
              core::load_parameters(wrong, decoder.parameters(), "pre.safetensors", "encoder.");
            }),
            "pre.safetensors: encoder.time.table has shape [3, 8], the model expects [9, 8]");
}

TEST(ModelIo, ReadsTheEncoderConfigOfACheckpoint) {
  core::Checkpoint checkpoint;
  checkpoint.config = {{"encoder", core::to_json(small_config(MixerKind::kLongConv))}};
  EXPECT_EQ(core::to_json(core::encoder_config_of(checkpoint, "m.safetensors")),
            core::to_json(small_config(MixerKind::kLongConv)));
  checkpoint.config["encoder"].erase("dim");
  EXPECT_EQ(error_of<std::runtime_error>([&] { core::encoder_config_of(checkpoint, "m.json"); }),
            "m.json: encoder config: missing field dim");
  checkpoint.config = nlohmann::json::object();
  EXPECT_EQ(error_of<std::runtime_error>([&] { core::encoder_config_of(checkpoint, "m.json"); }),
            "m.json: the checkpoint's config has no encoder");
}

}  // namespace
