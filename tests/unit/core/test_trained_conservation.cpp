// Relevance is conserved through a decoder whose weights were trained (not
// only drawn at random): training moves weights into the regime where
// LayerNorm scales and gates are far from their initial values. Biases are
// zeroed after training, as conservation requires (a bias takes a share).

#include <gtest/gtest.h>

#include <cmath>

#include "core/attribution/lrp.h"
#include "core/models/window_classifier.h"
#include "core/random/philox.h"
#include "core/train/losses.h"
#include "core/train/trainer.h"
#include "zero_biases.h"

namespace {

constexpr int64_t kB = 16, kL = 8, kP = 6, kStates = 3;

// Windows whose state raises two parcels per state: a learnable problem.
core::WindowBatch make_batch(uint64_t seed, std::vector<int>& states) {
  core::RandomStream rng(seed, 3);
  core::WindowBatch batch;
  batch.x = core::Tensor({kB, kL, kP});
  std::vector<double> tr(kB, 2.0);
  batch.seconds = core::elapsed_seconds(tr, kL);
  states.assign(kB, 0);
  for (int64_t b = 0; b < kB; ++b) {
    states[static_cast<size_t>(b)] = static_cast<int>(rng.below(kStates));
    for (int64_t t = 0; t < kL; ++t)
      for (int64_t p = 0; p < kP; ++p)
        batch.x.data()[(b * kL + t) * kP + p] =
            static_cast<float>(rng.normal()) +
            (p / 2 == states[static_cast<size_t>(b)] ? 1.5f : 0.0f);
  }
  return batch;
}

core::EncoderConfig config(core::MixerKind mixer) {
  core::EncoderConfig c;
  c.parcels = kP;
  c.dim = 8;
  c.layers = 2;
  c.mixer = mixer;
  c.dropout = 0.0f;
  c.max_frames = kL;
  c.max_seconds = 16;
  c.heads = 2;
  c.s4d_state = 8;
  c.hyena_filter_width = 8;
  c.kernel_lr_scale = 1.0f;
  return c;
}

void zero_biases(core::WindowClassifier& model) {
  neuroseq_test::zero_encoder_biases(model.parameters(), model.encoder());
}

}  // namespace

TEST(TrainedConservation, LrpConservesThroughAWholeTrainedDecoder) {
  for (core::MixerKind mixer : {core::MixerKind::kLongConv, core::MixerKind::kS4D,
                                core::MixerKind::kHyena, core::MixerKind::kAttention}) {
    core::WindowClassifier model(config(mixer), kStates, 5);
    core::TrainerOptions options;
    options.steps = 60;
    options.schedule.peak_lr = 3e-3;
    options.seed = 9;
    core::Trainer trainer(model.parameters(), options);
    core::TrainerHooks hooks;
    double first = 0, last = 0;
    hooks.loss_and_grad = [&](const core::ForwardMode& mode) {
      std::vector<int> states;
      const auto batch = make_batch(mode.step, states);
      core::Context ctx;
      const auto logits = model.forward(batch, ctx, mode);
      const auto loss = core::cross_entropy(logits, states);
      model.backward(loss.grad, ctx);
      (mode.step == 0 ? first : last) = loss.value;
      return loss.value;
    };
    trainer.run(hooks);
    EXPECT_LT(last, first) << core::mixer_name(mixer) << ": the decoder did not learn";

    zero_biases(model);
    std::vector<int> states;
    const auto batch = make_batch(1000, states);
    core::LrpOptions lrp;
    lrp.rule.epsilon = 1e-9;
    const auto e = core::explain_lrp(model, batch, core::kPredicted, lrp);
    for (size_t b = 0; b < e.error.size(); ++b) {
      if (std::abs(e.logit[b]) < 1e-3) continue;  // relative error of a near-zero logit
      EXPECT_LE(e.error[b], 1e-3) << core::mixer_name(mixer) << " window " << b;
    }
  }
}
