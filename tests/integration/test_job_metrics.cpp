// The loss series that training jobs record through JobContext::metric, for
// the desktop application's live chart: one "train loss" point per step with
// the trainer's own loss, "validation loss" points where the trainer
// validates, and a loss that falls as the model learns.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "app/jobs/pretrain_job.h"
#include "app/jobs/train_job.h"
#include "simulated_folder.h"
#include "text_files.h"

namespace {

struct Point {
  std::string series;
  double step;
  double value;
};

jobs::JobContext recording_context(std::vector<Point>& points) {
  jobs::JobContext context;
  context.metric = [&points](std::string_view series, double step, double value) {
    points.push_back({std::string(series), step, value});
  };
  return context;
}

std::vector<Point> only(const std::vector<Point>& points, const std::string& series) {
  std::vector<Point> out;
  for (const auto& p : points) {
    if (p.series == series) out.push_back(p);
  }
  return out;
}

// Two subjects with a rest and a task run each on the phantom at 5 mm: enough
// runs to hold one out for validation, small enough to stay quick.
class JobMetrics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    simulated_ = std::make_unique<neuroseq_test::SimulatedFolder>(
        "job_metrics",
        neuroseq_test::TinyDataset{.subjects = 2, .rest_runs = 1, .task_runs = 1, .seed = 4},
        [](neuro::SimulationOptions& options) { options.rest_frames = 120; });
  }
  static void TearDownTestSuite() { simulated_.reset(); }

  static const neuro::SimulationSummary& summary() { return simulated_->summary(); }
  static jobs::SeriesRecipe recipe() {
    jobs::SeriesRecipe r;
    r.atlas = summary().atlas_image;
    return r;
  }

  static inline std::unique_ptr<neuroseq_test::SimulatedFolder> simulated_;
};

}  // namespace

TEST_F(JobMetrics, PretrainingRecordsEveryStepsLossAndTheValidations) {
  constexpr int kSteps = 40;
  jobs::PretrainConfig config;
  config.datasets = {summary().root};
  config.recipe = recipe();
  config.steps = kSteps;
  config.frames = 16;
  config.validation_fraction = 0.25;
  config.output = simulated_->path() / "pretrained";
  std::vector<Point> points;
  const auto result = jobs::run_pretrain(config, recording_context(points));

  const auto train = only(points, "train loss");
  ASSERT_EQ(train.size(), static_cast<size_t>(kSteps));
  const auto history = neuroseq_test::read_tsv(config.output / "history.tsv").rows;
  ASSERT_EQ(history.size(), static_cast<size_t>(kSteps));
  for (size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(train[i].step, static_cast<double>(i + 1));
    // history.tsv writes the trainer's losses with 6 significant digits.
    EXPECT_NEAR(train[i].value, std::stod(history[i][1]), 1e-5 * std::abs(train[i].value));
  }
  // Falling on average: the last ten steps below the first ten.
  const auto mean = [&](size_t from) {
    double sum = 0;
    for (size_t i = from; i < from + 10; ++i)
      sum += train[i].value;
    return sum / 10;
  };
  EXPECT_LT(mean(kSteps - 10), mean(0));

  // The trainer validates every steps/10 steps and after the last one.
  const auto validation = only(points, "validation loss");
  ASSERT_EQ(validation.size(), 10u);
  for (size_t v = 0; v < validation.size(); ++v) {
    EXPECT_EQ(validation[v].step, static_cast<double>(4 * (v + 1)));
    const auto& row = history[static_cast<size_t>(validation[v].step) - 1];
    EXPECT_NEAR(validation[v].value, std::stod(row[2]), 1e-5 * std::abs(validation[v].value));
  }
  EXPECT_DOUBLE_EQ(validation.back().value, result.validation_loss);
}

TEST_F(JobMetrics, FineTuningRecordsEveryStepsLoss) {
  constexpr int kSteps = 12;
  jobs::TrainConfig config;
  config.dataset = summary().root;
  config.recipe = recipe();
  config.steps = kSteps;
  config.output = simulated_->path() / "decoder";
  std::vector<Point> points;
  jobs::run_train(config, recording_context(points));
  const auto train = only(points, "train loss");
  ASSERT_EQ(train.size(), static_cast<size_t>(kSteps));
  EXPECT_EQ(points.size(), train.size());  // no validation in fine-tuning
  for (size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(train[i].step, static_cast<double>(i + 1));
    EXPECT_TRUE(std::isfinite(train[i].value));
    EXPECT_GT(train[i].value, 0);  // a cross-entropy
  }
}
