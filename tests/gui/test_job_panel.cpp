// The job panel as a user drives it: fill a job's form, press Run, watch the
// progress, log and loss chart; Cancel stops a job; a decoding job that
// finishes opens its results in the main window's results dock.

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/job_docks.h"
#include "app/gui/job_panel.h"
#include "app/gui/job_runner.h"
#include "app/gui/loss_chart.h"
#include "app/gui/main_window.h"
#include "app/gui/path_field.h"
#include "app/gui/results_panel.h"
#include "app/jobs/run_series.h"
#include "simulated_folder.h"
#include "text_files.h"
#include "viewers/offscreen_renderer.h"

namespace fs = std::filesystem;
using gui::JobPanel;
using gui::JobRunner;

namespace {

constexpr int kJobTimeoutMs = 120000;

template <typename Widget>
Widget* field(JobPanel& panel, const char* name) {
  auto* w = panel.current_form()->findChild<Widget*>(name);
  EXPECT_NE(w, nullptr) << name;
  return w;
}

void set_path(JobPanel& panel, const char* name, const fs::path& path) {
  if (auto* f = field<gui::PathField>(panel, name)) f->set_path(path);
}

void press(JobPanel& panel, const char* button) {
  QTest::mouseClick(panel.findChild<QPushButton*>(button), Qt::LeftButton);
}

// Runs the panel's current form and waits for the job's end; true when it
// worked.
bool run_to_the_end(JobPanel& panel) {
  QSignalSpy finished(panel.runner(), &JobRunner::finished);
  press(panel, "run_job");
  if (!panel.runner()->is_running() && finished.isEmpty()) return false;
  if (finished.isEmpty() && !finished.wait(kJobTimeoutMs)) return false;
  return finished.at(0).at(0).toBool();
}

// training_loss of history.tsv, one per step.
std::vector<double> training_losses(const fs::path& history) {
  std::vector<double> losses;
  for (const auto& row : neuroseq_test::read_tsv(history).rows)
    losses.push_back(std::stod(row.at(1)));
  return losses;
}

// Three simulated subjects with one task run each, on the phantom at 5 mm.
class JobPanelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    simulated_ = std::make_unique<neuroseq_test::SimulatedFolder>(
        "job_panel",
        neuroseq_test::TinyDataset{.subjects = 3, .rest_runs = 0, .task_runs = 1, .seed = 8});
  }
  static void TearDownTestSuite() { simulated_.reset(); }

  static void fill_dataset(JobPanel& panel) {
    set_path(panel, "dataset", simulated_->summary().root);
    set_path(panel, "atlas", simulated_->summary().atlas_image);
  }

  static inline std::unique_ptr<neuroseq_test::SimulatedFolder> simulated_;
};

}  // namespace

TEST_F(JobPanelTest, AnIncompleteFormSaysWhatIsMissingAndRunsNothing) {
  JobPanel panel;
  ASSERT_TRUE(panel.choose("Decode"));
  set_path(panel, "dataset", simulated_->summary().root);
  press(panel, "run_job");
  EXPECT_FALSE(panel.runner()->is_running());
  EXPECT_EQ(panel.status_text(), "Atlas: choose a path");
  EXPECT_TRUE(panel.log_text().contains("error: Atlas: choose a path"));
}

TEST_F(JobPanelTest, TheFormsOpenWithTheRecipesDefaultsAndABadStrategyIsNamed) {
  JobPanel panel;
  ASSERT_TRUE(panel.choose("Decode"));
  const jobs::SeriesRecipe defaults;
  EXPECT_EQ(field<QLineEdit>(panel, "confound_strategy")->text().toStdString(),
            neuro::describe(defaults.confound_strategy));
  EXPECT_EQ(field<QLineEdit>(panel, "state_column")->text().toStdString(), "trial_type");
  fill_dataset(panel);
  set_path(panel, "output", simulated_->path() / "bad_strategy");
  field<QLineEdit>(panel, "confound_strategy")->setText("motion=most");
  press(panel, "run_job");
  EXPECT_FALSE(panel.runner()->is_running());
  EXPECT_TRUE(panel.status_text().startsWith("Confounds: ")) << panel.status_text().toStdString();
  EXPECT_TRUE(panel.status_text().contains("motion")) << panel.status_text().toStdString();
  EXPECT_FALSE(fs::exists(simulated_->path() / "bad_strategy"));
}

TEST_F(JobPanelTest, DecodingFromThePanelOpensItsResults) {
  gui::MainWindow window;
  window.show();
  auto* docks = window.job_docks();
  JobPanel& panel = *docks->job_panel();
  // Jobs > Decode… shows the panel with the Decode form.
  for (QAction* action : docks->jobs_menu()->actions()) {
    if (action->text() == "Decode\u2026") action->trigger();
  }
  ASSERT_TRUE(docks->jobs_dock()->isVisible());
  ASSERT_EQ(panel.current_form()->title(), "Decode");
  fill_dataset(panel);
  field<QComboBox>(panel, "model")->setCurrentText("linear");
  const fs::path output = simulated_->path() / "decoding";
  set_path(panel, "output", output);
  QSignalSpy results_ready(&panel, &JobPanel::results_ready);
  ASSERT_TRUE(run_to_the_end(panel)) << panel.log_text().toStdString();
  ASSERT_EQ(results_ready.count(), 1);
  EXPECT_EQ(results_ready.at(0).at(0).toString().toStdString(), output.string());
  EXPECT_TRUE(docks->results_dock()->isVisible());
  const auto& results = docks->results_panel()->results();
  ASSERT_TRUE(results.has_value()) << docks->results_panel()->message().toStdString();
  EXPECT_EQ(results->scores_file, output / "model-linear_scores.json");
  if (const char* keep = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS"))
    viewers::save_png(window.grab().toImage(), fs::path(keep) / "main_window_jobs.png");
  EXPECT_EQ(panel.findChild<QProgressBar*>("job_progress")->value(),
            panel.findChild<QProgressBar*>("job_progress")->maximum());
  EXPECT_TRUE(panel.findChild<QPushButton*>("run_job")->isEnabled());
}

TEST_F(JobPanelTest, PretrainingDrawsItsLossesLive) {
  JobPanel panel;
  ASSERT_TRUE(panel.choose("Pretrain an encoder"));
  fill_dataset(panel);
  field<QSpinBox>(panel, "steps")->setValue(10);
  const fs::path output = simulated_->path() / "pretrained";
  set_path(panel, "output", output);
  ASSERT_TRUE(run_to_the_end(panel)) << panel.log_text().toStdString();

  const auto* chart = panel.loss_chart();
  EXPECT_EQ(chart->line_names(), QStringList({"train loss", "validation loss"}));
  const auto train = chart->points("train loss");
  const auto history = training_losses(output / "history.tsv");
  ASSERT_EQ(train.size(), 10);
  ASSERT_EQ(history.size(), 10u);
  for (int i = 0; i < train.size(); ++i) {
    EXPECT_EQ(train[i].x(), i + 1.0);
    EXPECT_NEAR(train[i].y(), history[static_cast<size_t>(i)], 1e-5 * history[0]);
  }
  // 10 steps validate after every step.
  EXPECT_EQ(chart->points("validation loss").size(), 10);
  EXPECT_TRUE(panel.log_text().contains(QString::fromStdString(output.string())));
  if (const char* keep = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS")) {
    panel.resize(420, 800);
    viewers::save_png(panel.grab().toImage(), fs::path(keep) / "job_panel_pretrain.png");
  }
}

TEST_F(JobPanelTest, CancelStopsARunningJob) {
  JobPanel panel;
  ASSERT_TRUE(panel.choose("Pretrain an encoder"));
  fill_dataset(panel);
  field<QSpinBox>(panel, "steps")->setValue(100000);
  set_path(panel, "output", simulated_->path() / "cancelled");
  QSignalSpy metric(panel.runner(), &JobRunner::metric_recorded);
  QSignalSpy cancelled(panel.runner(), &JobRunner::cancelled);
  press(panel, "run_job");
  ASSERT_TRUE(panel.runner()->is_running());
  EXPECT_FALSE(panel.findChild<QPushButton*>("run_job")->isEnabled());
  ASSERT_TRUE(metric.wait(kJobTimeoutMs));  // training has begun
  press(panel, "cancel_job");
  ASSERT_TRUE(cancelled.wait(kJobTimeoutMs));
  EXPECT_FALSE(panel.runner()->is_running());
  EXPECT_EQ(panel.status_text(), "Cancelled");
  EXPECT_TRUE(panel.findChild<QPushButton*>("run_job")->isEnabled());
  EXPECT_FALSE(panel.findChild<QPushButton*>("cancel_job")->isEnabled());
  EXPECT_LT(panel.loss_chart()->points("train loss").size(), 100000);
}

TEST_F(JobPanelTest, SimulatingFromThePanelWritesADataset) {
  JobPanel panel;
  ASSERT_TRUE(panel.choose("Simulate a dataset"));
  const fs::path output = simulated_->path() / "simulated";
  set_path(panel, "output", output);
  field<QSpinBox>(panel, "subjects")->setValue(1);
  field<QSpinBox>(panel, "task_runs")->setValue(1);
  field<QSpinBox>(panel, "rest_runs")->setValue(0);
  field<QComboBox>(panel, "atlas_choice")->setCurrentText("phantom");
  ASSERT_TRUE(run_to_the_end(panel)) << panel.log_text().toStdString();
  EXPECT_TRUE(fs::exists(output / "dataset_description.json"));
  EXPECT_TRUE(panel.log_text().contains(": 1 subjects, 1 runs, phantom atlas"))
      << panel.log_text().toStdString();
}
