// Training and checkpoints: the trainer's resume (bit-identical to a run
// never interrupted), its refusals (another run's checkpoint, a corrupt
// file, a diverged run), that it learns; and the encoder config's JSON form
// that checkpoints carry. (Loading weights by name: test_window_models.cpp.)

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/models/encoder_config.h"
#include "core/models/pretraining.h"
#include "core/train/trainer.h"
#include "error_of.h"
#include "random_tensor.h"
#include "temp_dir.h"

namespace {

using core::MixerKind;
using neuroseq_test::error_of;
using neuroseq_test::random_normal;
using neuroseq_test::TempDir;

constexpr int64_t kB = 2, kL = 6, kP = 5;

core::EncoderConfig small_config(double dropout) {
  core::EncoderConfig c;
  c.parcels = kP;
  c.dim = 8;
  c.layers = 1;
  c.dropout = static_cast<float>(dropout);
  c.kernel_dropout = static_cast<float>(dropout);
  c.max_frames = 8;
  c.max_seconds = 8.0;
  c.smooth_window = 3;
  return c;
}

core::Tensor small_seconds() {
  const std::vector<double> tr{0.7, 1.3};
  return core::elapsed_seconds(tr, kL);
}

std::vector<float> values_of(std::vector<core::Parameter*> params) {
  std::vector<float> out;
  for (const core::Parameter* p : params)
    out.insert(out.end(), p->value.values().begin(), p->value.values().end());
  return out;
}

// Masked pretraining with dropout, so that every step's randomness matters;
// each step's batch is drawn from (seed, step) alone, as the trainer asks.
struct Pretraining {
  core::PretrainingModel model;
  explicit Pretraining(uint64_t init_seed)
      : model(small_config(0.2), core::PretrainObjective::kMasked, init_seed, 0.3) {}

  core::TrainerHooks hooks() {
    core::TrainerHooks h;
    h.loss_and_grad = [this](const core::ForwardMode& mode) {
      const core::Tensor x = random_normal({kB, kL, kP}, mode.seed * 100003 + mode.step);
      return model.loss({x, small_seconds(), {}}, mode, true);
    };
    h.validation_loss = [this] {
      const core::ForwardMode fixed{.training = false, .seed = 9, .step = 0};
      return model.loss({random_normal({kB, kL, kP}, 77), small_seconds(), {}}, fixed, false);
    };
    h.model_config = {{"encoder", core::to_json(small_config(0.2))}};
    return h;
  }
};

core::TrainerOptions options(const std::filesystem::path& checkpoint, int64_t steps = 8) {
  core::TrainerOptions o;
  o.steps = steps;
  o.schedule.peak_lr = 1e-2;
  o.schedule.warmup_steps = 2;
  o.clip_norm = 0.5;
  o.seed = 42;
  o.validate_every = 3;
  o.checkpoint_every = 2;
  o.checkpoint = checkpoint;
  return o;
}

TEST(Trainer, ResumedRunsEndBitIdenticalToAnUninterruptedOne) {
  TempDir dir("trainer_resume");
  Pretraining reference(5);
  core::Trainer straight(reference.model.parameters(), options(dir / "ref.safetensors"));
  const core::TrainingOutcome want = straight.run(reference.hooks());
  ASSERT_EQ(want.steps_done, 8);
  ASSERT_FALSE(want.stopped);
  ASSERT_EQ(want.history.loss.size(), 8u);
  const std::vector<std::pair<int64_t, double>> validated{{3, want.history.validation[0].second},
                                                          {6, want.history.validation[1].second},
                                                          {8, want.history.validation[2].second}};
  EXPECT_EQ(want.history.validation, validated);

  // Stopped after 3 steps: the trainer saves where it stopped.
  const std::filesystem::path path = dir / "run.safetensors";
  {
    Pretraining first(5);
    core::Trainer trainer(first.model.parameters(), options(path));
    core::TrainerHooks hooks = first.hooks();
    int done = 0;
    hooks.on_step = [&](const core::TrainingStep&) { ++done; };
    hooks.should_stop = [&] { return done >= 3; };
    const core::TrainingOutcome stopped = trainer.run(hooks);
    EXPECT_TRUE(stopped.stopped);
    EXPECT_EQ(stopped.steps_done, 3);
  }
  // Crashed after 5 steps: the periodic checkpoint of step 4 is what is left.
  const std::filesystem::path crash_path = dir / "crash.safetensors";
  {
    Pretraining first(5);
    core::Trainer trainer(first.model.parameters(), options(crash_path));
    core::TrainerHooks hooks = first.hooks();
    hooks.on_step = [](const core::TrainingStep& s) {
      if (s.step == 4) throw std::runtime_error("node lost");
    };
    EXPECT_THROW(trainer.run(hooks), std::runtime_error);
  }
  for (const auto& [from, at] : {std::pair{path, 3}, std::pair{crash_path, 4}}) {
    Pretraining resumed(1234);  // another init: resume must replace every weight
    core::Trainer trainer(resumed.model.parameters(), options(from));
    trainer.resume(from);
    EXPECT_EQ(trainer.steps_done(), at);
    const core::TrainingOutcome got = trainer.run(resumed.hooks());
    EXPECT_EQ(got.steps_done, 8);
    EXPECT_EQ(got.history.loss, want.history.loss) << from;
    EXPECT_EQ(got.history.validation, want.history.validation) << from;
    EXPECT_EQ(values_of(resumed.model.parameters()), values_of(reference.model.parameters()))
        << from;
  }
  // A finished run resumed does nothing more, and validates nothing twice.
  Pretraining done(5);
  core::Trainer again(done.model.parameters(), options(dir / "ref.safetensors"));
  again.resume(dir / "ref.safetensors");
  const core::TrainingOutcome nothing = again.run(done.hooks());
  EXPECT_EQ(nothing.history.loss, want.history.loss);
  EXPECT_EQ(nothing.history.validation, want.history.validation);
}

TEST(Trainer, RefusesCheckpointsOfOtherRunsAndCorruptFiles) {
  TempDir dir("trainer_refuse");
  const std::filesystem::path path = dir / "run.safetensors";
  Pretraining a(5);
  core::TrainerOptions o = options(path, 4);
  core::Trainer(a.model.parameters(), o).run(a.hooks());
  const auto resume_error = [&](core::TrainerOptions with, const std::filesystem::path& from,
                                std::vector<core::Parameter*> params) {
    core::Trainer trainer(params, with);
    return error_of<std::runtime_error>([&] { trainer.resume(from); });
  };
  Pretraining b(6);
  core::TrainerOptions seed = o;
  seed.seed = 43;
  EXPECT_EQ(resume_error(seed, path, b.model.parameters()),
            path.string() + ": written by a run with seed 42, this run has seed 43");
  core::TrainerOptions longer = o;
  longer.steps = 5;
  EXPECT_EQ(resume_error(longer, path, b.model.parameters()),
            path.string() + ": written by a run of 4 steps, this run has 5");
  // Another model: a weight of another shape.
  core::EncoderConfig wider = small_config(0.2);
  wider.dim = 12;
  core::PretrainingModel other(wider, core::PretrainObjective::kMasked, 1);
  EXPECT_EQ(
      resume_error(o, path, other.parameters()),
      path.string() + ": encoder.embed.proj.weight has shape [8, 5], the model expects [12, 5]");
  // Truncated weights.
  const std::filesystem::path cut = dir / "cut.safetensors";
  std::filesystem::copy_file(path, cut);
  std::filesystem::copy_file(core::checkpoint_config_path(path), core::checkpoint_config_path(cut));
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  const std::string truncated = resume_error(o, cut, b.model.parameters());
  EXPECT_EQ(truncated.rfind(cut.string() + ": ", 0), 0u) << truncated;
  EXPECT_NE(resume_error(o, dir / "missing.safetensors", b.model.parameters())
                .find((dir / "missing.safetensors").string()),
            std::string::npos);
}

// One parameter vector p [4], loss sum((p - 3)^2): the trainer on its own.
struct Quadratic {
  core::Parameter p{.name = "p", .value = core::Tensor({4}), .grad = {}};
  std::vector<double> bad_steps;  // steps whose loss is NaN

  core::TrainerHooks hooks() {
    core::TrainerHooks h;
    h.loss_and_grad = [this](const core::ForwardMode& mode) {
      double loss = 0.0;
      float* g = core::grad_buffer(p).data();
      for (int64_t i = 0; i < 4; ++i) {
        const double d = p.value.data()[i] - 3.0;
        loss += d * d;
        g[i] += static_cast<float>(2.0 * d);
      }
      for (double s : bad_steps)
        if (s == static_cast<double>(mode.step)) return std::numeric_limits<double>::quiet_NaN();
      return loss;
    };
    return h;
  }
};

TEST(Trainer, SkipsNonFiniteStepsAndGivesUpAfterTenInARow) {
  Quadratic q;
  for (int s = 0; s < 12; ++s)
    q.bad_steps.push_back(s);
  core::TrainerOptions o;
  o.steps = 20;
  core::Trainer trainer({&q.p}, o);
  int calls = 0;
  core::TrainerHooks hooks = q.hooks();
  hooks.on_step = [&](const core::TrainingStep&) { ++calls; };
  const std::string error = error_of<std::runtime_error>([&] { trainer.run(hooks); });
  EXPECT_NE(error.find("training diverged: 10 steps in a row"), std::string::npos) << error;
  EXPECT_EQ(calls, 9);                                        // the tenth throws before reporting
  EXPECT_EQ(values_of({&q.p}), std::vector<float>(4, 0.0f));  // no update was made

  // Nine in a row, then finite: trained on, and the NaNs survive a
  // checkpoint (JSON has no NaN).
  TempDir dir("trainer_nan");
  Quadratic r;
  for (int s = 1; s < 10; ++s)
    r.bad_steps.push_back(s);
  o.checkpoint = dir / "q.safetensors";
  o.steps = 12;
  core::Trainer survivor({&r.p}, o);
  const core::TrainingOutcome out = survivor.run(r.hooks());
  EXPECT_EQ(out.skipped_steps, 9);
  Quadratic s;
  core::Trainer resumed({&s.p}, o);
  resumed.resume(o.checkpoint);
  EXPECT_EQ(resumed.steps_done(), 12);
  const core::TrainingOutcome back = resumed.run(s.hooks());
  ASSERT_EQ(back.history.loss.size(), 12u);
  EXPECT_EQ(back.skipped_steps, 9);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(std::isnan(back.history.loss[i]), i >= 1 && i < 10) << i;
    if (!std::isnan(out.history.loss[i])) {
      EXPECT_EQ(back.history.loss[i], out.history.loss[i]);
    }
  }
}

TEST(Trainer, ClipNormZeroMeansNoClipping) {
  Quadratic q;
  core::TrainerOptions o;
  o.steps = 2;
  o.clip_norm = 0.0;
  core::Trainer trainer({&q.p}, o);
  std::vector<double> norms;
  core::TrainerHooks hooks = q.hooks();
  hooks.on_step = [&](const core::TrainingStep& s) { norms.push_back(s.grad_norm); };
  trainer.run(hooks);
  ASSERT_EQ(norms.size(), 2u);
  EXPECT_DOUBLE_EQ(norms[0], 12.0);  // |2 (0 - 3)| over 4 elements, unclipped
  EXPECT_EQ(error_of<std::invalid_argument>([] {
              core::TrainerOptions none;
              none.steps = 0;
              core::Parameter p{.name = "p", .value = core::Tensor({1}), .grad = {}};
              core::Trainer({&p}, none);
            }),
            "training steps must be >= 1");
}

TEST(Trainer, LearnsToPredictTheNextFrameOfSineWaves) {
  core::EncoderConfig c = small_config(0.0);
  // The long convolution's kernel must be able to learn here: its N(0,
  // 0.002^2) start, smoothed, lies wholly inside the squash's dead zone at
  // the default lambda 0.003 (zero output, zero gradient), and at a tenth of
  // the learning rate it moves too little in 100 steps.
  c.squash_lambda = 0.0f;
  c.kernel_lr_scale = 1.0f;
  core::PretrainingModel model(c, core::PretrainObjective::kCausal, 3);
  // Each parcel a sine of period 8 frames with a phase drawn from (seed, step).
  const auto sines = [](uint64_t seed) {
    constexpr int64_t n = 8, l = 8;  // windows of 8 frames, TR 1 s
    const core::Tensor phase = neuroseq_test::random_uniform({n, kP}, seed, 0.0, 6.283);
    core::Tensor x({n, l, kP});
    for (int64_t b = 0; b < n; ++b)
      for (int64_t t = 0; t < l; ++t)
        for (int64_t p = 0; p < kP; ++p)
          x.data()[(b * l + t) * kP + p] = static_cast<float>(
              std::sin(0.785 * static_cast<double>(t) + phase.data()[b * kP + p]));
    return core::WindowBatch{x, core::elapsed_seconds(std::vector<double>(n, 1.0), l), {}};
  };
  const core::WindowBatch held_out = sines(999);
  const double before = model.loss(held_out, {}, false);
  core::TrainerOptions o;
  o.steps = 100;
  o.schedule.peak_lr = 1e-2;
  o.schedule.warmup_steps = 10;
  core::Trainer trainer(model.parameters(), o);
  core::TrainerHooks hooks;
  hooks.loss_and_grad = [&](const core::ForwardMode& mode) {
    return model.loss(sines(mode.seed * 1000 + mode.step), mode, true);
  };
  trainer.run(hooks);
  const double after = model.loss(held_out, {}, false);
  EXPECT_LT(after, 0.5 * before) << "before " << before << ", after " << after;
}

// ---- The encoder config's JSON form ----

core::EncoderConfig unusual_config() {
  core::EncoderConfig c;
  c.parcels = 7;
  c.dim = 12;
  c.layers = 3;
  c.mixer = MixerKind::kHyena;
  c.mlp_ratio = 3;
  c.dropout = 0.15f;
  c.max_frames = 33;
  c.time_step_seconds = 0.72;
  c.max_seconds = 50.5;
  c.bidirectional = true;
  c.squash_lambda = 0.007f;
  c.smooth_window = 5;
  c.kernel_dropout = 0.3f;
  c.kernel_lr_scale = 0.25f;
  c.s4d_state = 6;
  c.heads = 3;
  c.hyena_filter_width = 17;
  return c;
}

TEST(EncoderConfigJson, RoundTripsEveryField) {
  const core::EncoderConfig c = unusual_config();
  const auto back = core::encoder_config_from_json(nlohmann::json::parse(core::to_json(c).dump()));
  // Field by field: a field that to_json left out and the parser ignored
  // would still give equal JSON.
  const auto fields = [](const core::EncoderConfig& e) {
    return std::tuple(e.parcels, e.dim, e.layers, e.mixer, e.mlp_ratio, e.dropout, e.max_frames,
                      e.time_step_seconds, e.max_seconds, e.bidirectional, e.squash_lambda,
                      e.smooth_window, e.kernel_dropout, e.kernel_lr_scale, e.s4d_state, e.heads,
                      e.hyena_filter_width);
  };
  EXPECT_EQ(fields(back), fields(c));
  EXPECT_EQ(core::to_json(back), core::to_json(c));
  EXPECT_EQ(back.time_bins(), 72);  // ceil(50.5 / 0.72) + 1
  for (MixerKind m :
       {MixerKind::kLongConv, MixerKind::kS4D, MixerKind::kHyena, MixerKind::kAttention})
    EXPECT_EQ(core::parse_mixer(core::mixer_name(m)), m);
}

TEST(EncoderConfigJson, RejectsUnknownMissingMistypedAndInvalidFields) {
  const nlohmann::json good = core::to_json(unusual_config());
  const auto error = [](const nlohmann::json& j) {
    return error_of<std::invalid_argument>([&] { core::encoder_config_from_json(j); });
  };
  nlohmann::json j = good;
  j["depth"] = 4;
  EXPECT_EQ(error(j), "encoder config: unknown field depth");
  j = good;
  j.erase("heads");
  EXPECT_EQ(error(j), "encoder config: missing field heads");
  j = good;
  j["mixer"] = "mamba";
  EXPECT_EQ(error(j),
            "encoder config: unknown mixer 'mamba' (expected longconv, s4d, hyena or attention)");
  j = good;
  j["dim"] = "12";
  EXPECT_EQ(error(j), "encoder config: dim must be an integer");
  j = good;
  j["bidirectional"] = 1;
  EXPECT_EQ(error(j), "encoder config: bidirectional must be true or false");
  j = good;
  j["heads"] = 5;  // unused by Hyena
  EXPECT_NO_THROW(core::encoder_config_from_json(j));
  j["mixer"] = "attention";
  EXPECT_EQ(error(j), "encoder config: heads must divide dim");
  j = good;
  j["dropout"] = 1.0;
  EXPECT_EQ(error(j), "encoder config: dropout must be in [0, 1)");
  EXPECT_EQ(error(nlohmann::json::array()), "encoder config: expected a JSON object");
}

}  // namespace
