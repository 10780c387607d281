// Fine-tuning with a head warm-up: the encoder must stay exactly as it was
// while only the head trains, and everything trains afterwards.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/jobs/classifier_training.h"
#include "core/models/window_classifier.h"

namespace {

constexpr int64_t kFrames = 8;
constexpr int64_t kParcels = 4;

core::EncoderConfig tiny_encoder() {
  core::EncoderConfig c;
  c.parcels = kParcels;
  c.dim = 8;
  c.layers = 1;
  c.mlp_ratio = 2;
  c.max_frames = kFrames;
  return c;
}

// Two states in blocks of 10 frames; parcel 0 carries the state (+-1) and
// every parcel a deterministic ripple, so that the loss has gradients
// everywhere.
jobs::RunSeries two_state_run() {
  jobs::RunSeries run;
  run.series = neuro::ParcelSeries(120, kParcels, 2.0);
  for (int64_t t = 0; t < run.series.frames; ++t) {
    const int state = static_cast<int>((t / 10) % 2);
    for (int64_t p = 0; p < kParcels; ++p)
      run.series.at(t, p) =
          static_cast<float>((p == 0 ? (state ? 1.0 : -1.0) : 0.0) +
                             0.3 * std::sin(0.7 * static_cast<double>(t + 3 * p)));
  }
  return run;
}

std::vector<jobs::WindowRef> windows_of(const jobs::RunSeries& run) {
  std::vector<jobs::WindowRef> refs;
  for (int64_t start = 0; start + kFrames <= run.series.frames; start += 4)
    refs.push_back({&run, start, static_cast<int>(((start + kFrames - 1) / 10) % 2), 0});
  return refs;
}

std::vector<std::vector<float>> values_of(const std::vector<core::Parameter*>& parameters) {
  std::vector<std::vector<float>> out;
  for (const core::Parameter* p : parameters)
    out.emplace_back(p->value.values().begin(), p->value.values().end());
  return out;
}

jobs::TrainingSettings short_run(int64_t head_warmup_steps) {
  jobs::TrainingSettings s;
  s.steps = 6;
  s.batch = 8;
  s.lr = 1e-2;
  s.warmup_steps = 2;
  s.head_warmup_steps = head_warmup_steps;
  return s;
}

struct Fixture {
  jobs::RunSeries run = two_state_run();
  std::vector<jobs::WindowRef> refs = windows_of(run);
  std::vector<size_t> rows;
  Fixture() {
    for (size_t i = 0; i < refs.size(); ++i)
      rows.push_back(i);
  }
};

TEST(ClassifierTraining, HeadWarmupHoldsTheEncoderBitIdenticalWhileTheHeadLearns) {
  Fixture f;
  core::WindowClassifier model(tiny_encoder(), 2, 7);
  const auto encoder_start = values_of(model.encoder().parameters());
  const auto head_start = values_of(model.head().parameters());
  const jobs::TrainingSettings settings = short_run(4);

  std::vector<double> steps_recorded;
  std::vector<bool> encoder_unchanged, head_unchanged;
  std::vector<std::vector<float>> head_after_warmup, encoder_after_warmup;
  jobs::JobContext context;
  context.metric = [&](std::string_view, double step, double) {
    steps_recorded.push_back(step);
    encoder_unchanged.push_back(values_of(model.encoder().parameters()) == encoder_start);
    head_unchanged.push_back(values_of(model.head().parameters()) == head_start);
    if (step == static_cast<double>(settings.head_warmup_steps)) {
      head_after_warmup = values_of(model.head().parameters());
      encoder_after_warmup = values_of(model.encoder().parameters());
    }
  };
  const int64_t seen =
      jobs::train_classifier(model, f.refs, f.rows, kFrames, settings, 11, "test", context);

  EXPECT_EQ(seen, (settings.head_warmup_steps + settings.steps) * settings.batch);
  ASSERT_EQ(steps_recorded.size(), 10u);
  for (size_t i = 0; i < steps_recorded.size(); ++i)
    EXPECT_EQ(steps_recorded[i], static_cast<double>(i + 1));
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(encoder_unchanged[i]) << "warm-up step " << i + 1;
    EXPECT_FALSE(head_unchanged[i]) << "warm-up step " << i + 1;
  }
  for (size_t i = 4; i < 10; ++i)
    EXPECT_FALSE(encoder_unchanged[i]) << "step " << i + 1;
  EXPECT_NE(values_of(model.head().parameters()), head_after_warmup);
  EXPECT_NE(values_of(model.encoder().parameters()), encoder_after_warmup);
}

TEST(ClassifierTraining, WithoutHeadWarmupTheEncoderTrainsFromTheFirstStep) {
  Fixture f;
  core::WindowClassifier model(tiny_encoder(), 2, 7);
  const auto encoder_start = values_of(model.encoder().parameters());
  bool encoder_changed_at_first_step = false;
  jobs::JobContext context;
  context.metric = [&](std::string_view, double step, double) {
    if (step == 1.0)
      encoder_changed_at_first_step = values_of(model.encoder().parameters()) != encoder_start;
  };
  jobs::train_classifier(model, f.refs, f.rows, kFrames, short_run(0), 11, "test", context);
  EXPECT_TRUE(encoder_changed_at_first_step);
}

TEST(ClassifierTraining, HeadWarmupRunsAreReproducibleAndDependOnTheSeed) {
  Fixture f;
  const auto train = [&](uint64_t seed) {
    core::WindowClassifier model(tiny_encoder(), 2, 7);
    jobs::train_classifier(model, f.refs, f.rows, kFrames, short_run(3), seed, "test", {});
    return values_of(model.parameters());
  };
  const auto first = train(5);
  EXPECT_EQ(train(5), first);
  EXPECT_NE(train(6), first);
}

TEST(ClassifierTraining, HeadWarmupFitsTheHeadOnAFixedEncoder) {
  // With the encoder fixed, the head alone must lower the training loss of a
  // state the input carries plainly.
  Fixture f;
  core::WindowClassifier model(tiny_encoder(), 2, 7);
  jobs::TrainingSettings settings = short_run(60);
  std::vector<double> losses;
  jobs::JobContext context;
  context.metric = [&](std::string_view, double, double loss) { losses.push_back(loss); };
  jobs::train_classifier(model, f.refs, f.rows, kFrames, settings, 3, "test", context);
  ASSERT_GE(losses.size(), 60u);
  const auto mean = [&](size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to; ++i)
      sum += losses[i];
    return sum / static_cast<double>(to - from);
  };
  EXPECT_LT(mean(50, 60), 0.8 * mean(0, 10));
}

}  // namespace
