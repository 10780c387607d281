// The loss series that training jobs record through JobContext::metric, for
// the desktop application's live chart: one "train loss" point per step with
// the trainer's own loss, "validation loss" points where the trainer
// validates, and a loss that falls as the model learns.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "app/jobs/pretrain_job.h"
#include "app/jobs/simulate_job.h"
#include "app/jobs/train_job.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

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

// Columns of history.tsv: step, training_loss, validation_loss ("n/a" or a
// number).
std::vector<std::vector<std::string>> read_history(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, '\t'))
      cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// Two subjects with a rest and a task run each on the phantom at 5 mm: enough
// runs to hold one out for validation, small enough to stay quick.
class JobMetrics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<neuroseq_test::TempDir>("job_metrics");
    neuro::SimulationOptions options;
    options.output_root = dir_->path() / "ds";
    options.space.atlas = neuro::AtlasChoice::kPhantom;
    options.space.voxel_size_mm = 5.0;
    options.subjects = 2;
    options.rest_runs = 1;
    options.task_runs = 1;
    options.rest_frames = 120;
    options.seed = 4;
    summary_ = std::make_unique<neuro::SimulationSummary>(jobs::run_simulate(options, {}));
  }
  static void TearDownTestSuite() {
    summary_.reset();
    dir_.reset();
  }

  static jobs::SeriesRecipe recipe() {
    jobs::SeriesRecipe r;
    r.atlas = summary_->atlas_image;
    return r;
  }

  static std::unique_ptr<neuroseq_test::TempDir> dir_;
  static std::unique_ptr<neuro::SimulationSummary> summary_;
};

std::unique_ptr<neuroseq_test::TempDir> JobMetrics::dir_;
std::unique_ptr<neuro::SimulationSummary> JobMetrics::summary_;

}  // namespace

TEST_F(JobMetrics, PretrainingRecordsEveryStepsLossAndTheValidations) {
  constexpr int kSteps = 40;
  jobs::PretrainConfig config;
  config.datasets = {summary_->root};
  config.recipe = recipe();
  config.steps = kSteps;
  config.frames = 16;
  config.validation_fraction = 0.25;
  config.output = dir_->path() / "pretrained";
  std::vector<Point> points;
  const auto result = jobs::run_pretrain(config, recording_context(points));

  const auto train = only(points, "train loss");
  ASSERT_EQ(train.size(), static_cast<size_t>(kSteps));
  const auto history = read_history(config.output / "history.tsv");
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
  config.dataset = summary_->root;
  config.recipe = recipe();
  config.steps = kSteps;
  config.output = dir_->path() / "decoder";
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
