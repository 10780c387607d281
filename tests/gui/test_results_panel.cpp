// The results panel on a folder that decode_linear_job wrote in the test: the
// scores it shows are the scores file's, the heatmap's cells are the confusion
// TSV's counts, and a missing or broken file gives one line naming the file.

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/gui/confusion_heatmap.h"
#include "app/gui/job_docks.h"
#include "app/gui/job_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/results_panel.h"
#include "app/jobs/decode_linear_job.h"
#include "job_config.h"
#include "simulated_folder.h"
#include "text_files.h"

namespace fs = std::filesystem;
using neuroseq_test::read_text;
using neuroseq_test::read_tsv;

namespace {

// The confusion TSV read independently of the panel: [true][decoded].
std::vector<std::vector<long>> confusion_from_tsv(const fs::path& file) {
  std::vector<std::vector<long>> rows;
  for (const auto& cells : read_tsv(file).rows) {
    std::vector<long> row;
    for (size_t decoded = 1; decoded < cells.size(); ++decoded)  // after the state's name
      row.push_back(std::stol(cells[decoded]));
    rows.push_back(row);
  }
  return rows;
}

QString label_text(const QWidget& panel, const char* name) {
  const auto* label = panel.findChild<QLabel*>(name);
  return label ? label->text() : QString("<no label %1>").arg(name);
}

// Three simulated subjects, one task run each, decoded by the linear model
// with leave-one-subject-out folds.
class ResultsPanelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    simulated_ = std::make_unique<neuroseq_test::SimulatedFolder>(
        "results_panel",
        neuroseq_test::TinyDataset{.subjects = 3, .rest_runs = 0, .task_runs = 1, .seed = 3});
    const auto& summary = simulated_->summary();
    jobs::SeriesRecipe recipe;
    recipe.atlas = summary.atlas_image;
    jobs::run_decode_linear(
        neuroseq_test::config_on<jobs::LinearDecodeConfig>(summary.root, recipe, folder()), {});
  }
  static void TearDownTestSuite() { simulated_.reset(); }

  static fs::path folder() { return simulated_->path() / "decoding"; }
  static fs::path scores_file() { return folder() / "model-linear_scores.json"; }
  static fs::path confusion_file() { return folder() / "model-linear_confusion.tsv"; }
  // A copy of the results folder to break.
  static fs::path copy_of_results(const std::string& name) {
    const fs::path copy = simulated_->path() / name;
    fs::copy(folder(), copy, fs::copy_options::recursive);
    return copy;
  }

  static inline std::unique_ptr<neuroseq_test::SimulatedFolder> simulated_;
};

}  // namespace

TEST_F(ResultsPanelTest, ShowsTheScoresOfTheFolder) {
  const auto scores = nlohmann::json::parse(read_text(scores_file()));
  gui::ResultsPanel panel;
  ASSERT_TRUE(panel.open_folder(folder())) << panel.message().toStdString();
  const auto text = [](double v) { return QString::number(v, 'f', 3); };
  EXPECT_EQ(label_text(panel, "accuracy"), text(scores["accuracy"].get<double>()));
  EXPECT_EQ(label_text(panel, "balanced_accuracy"),
            text(scores["balanced_accuracy"].get<double>()));
  EXPECT_EQ(label_text(panel, "macro_f1"), text(scores["macro_f1"].get<double>()));
  EXPECT_EQ(label_text(panel, "chance"), text(scores["chance"].get<double>()));
  EXPECT_EQ(label_text(panel, "permutation_p"), "not run");
  EXPECT_TRUE(label_text(panel, "windows")
                  .startsWith(QString::number(scores["windows"].get<long>()) + " of 3 subjects"));

  // The per-state table: precision, recall, F1 from the scores file, support
  // the row sums of the confusion TSV.
  const auto states = scores["states"].get<std::vector<std::string>>();
  const auto confusion = confusion_from_tsv(confusion_file());
  const auto* table = panel.findChild<QTableWidget*>("per_state_scores");
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rowCount(), static_cast<int>(states.size()));
  for (int row = 0; row < table->rowCount(); ++row) {
    const auto s = static_cast<size_t>(row);
    EXPECT_EQ(table->item(row, 0)->text().toStdString(), states[s]);
    EXPECT_EQ(table->item(row, 1)->text(), text(scores["precision"][s].get<double>()));
    EXPECT_EQ(table->item(row, 2)->text(), text(scores["recall"][s].get<double>()));
    EXPECT_EQ(table->item(row, 3)->text(), text(scores["f1"][s].get<double>()));
    long support = 0;
    for (long c : confusion[s])
      support += c;
    EXPECT_EQ(table->item(row, 4)->text().toLong(), support);
  }
}

TEST_F(ResultsPanelTest, HeatmapCellsAreTheConfusionTsvsCounts) {
  gui::ResultsPanel panel;
  ASSERT_TRUE(panel.open_folder(folder())) << panel.message().toStdString();
  const auto confusion = confusion_from_tsv(confusion_file());
  const auto* heatmap = panel.heatmap();
  ASSERT_EQ(heatmap->states(), static_cast<int>(confusion.size()));
  long total = 0;
  for (int a = 0; a < heatmap->states(); ++a) {
    ASSERT_EQ(confusion[static_cast<size_t>(a)].size(), confusion.size());
    double share = 0;
    for (int b = 0; b < heatmap->states(); ++b) {
      EXPECT_EQ(heatmap->count(a, b), confusion[static_cast<size_t>(a)][static_cast<size_t>(b)])
          << "cell " << a << ", " << b;
      total += heatmap->count(a, b);
      share += heatmap->row_share(a, b);
    }
    EXPECT_NEAR(share, 1.0, 1e-12);  // every simulated state has test windows
  }
  const auto scores = nlohmann::json::parse(read_text(scores_file()));
  EXPECT_EQ(total, scores["windows"].get<long>());
  // Painting a filled matrix must not fail.
  gui::ConfusionHeatmap copy;
  copy.resize(300, 300);
  QStringList states;
  for (int i = 0; i < heatmap->states(); ++i)
    states << QString::number(i);
  std::vector<int64_t> counts;
  for (int a = 0; a < heatmap->states(); ++a)
    for (int b = 0; b < heatmap->states(); ++b)
      counts.push_back(heatmap->count(a, b));
  copy.set_matrix(states, counts);
  EXPECT_FALSE(copy.grab().isNull());
}

TEST_F(ResultsPanelTest, CorruptScoresFileGivesOneLineNamingIt) {
  const fs::path broken = copy_of_results("corrupt");
  std::ofstream(broken / "model-linear_scores.json") << "{\"model\": \"linear\", \"states\": [";
  gui::ResultsPanel panel;
  ASSERT_TRUE(panel.open_folder(folder()));
  const QString accuracy = label_text(panel, "accuracy");
  EXPECT_FALSE(panel.open_folder(broken));
  const std::string message = panel.message().toStdString();
  EXPECT_TRUE(
      message.starts_with((broken / "model-linear_scores.json").string() + ": not valid JSON"))
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  // What was shown stays.
  EXPECT_EQ(label_text(panel, "accuracy"), accuracy);
  EXPECT_EQ(panel.results()->scores_file, scores_file());
}

TEST_F(ResultsPanelTest, MissingFieldAndMissingFilesAreNamed) {
  gui::ResultsPanel panel;
  const fs::path no_field = copy_of_results("no_field");
  auto scores = nlohmann::json::parse(read_text(scores_file()));
  scores.erase("accuracy");
  std::ofstream(no_field / "model-linear_scores.json") << scores.dump(2);
  EXPECT_FALSE(panel.open_folder(no_field));
  EXPECT_EQ(panel.message().toStdString(),
            (no_field / "model-linear_scores.json").string() + ": field \"accuracy\" is missing");

  const fs::path no_tsv = copy_of_results("no_tsv");
  fs::remove(no_tsv / "model-linear_confusion.tsv");
  EXPECT_FALSE(panel.open_folder(no_tsv));
  EXPECT_EQ(panel.message().toStdString(),
            (no_tsv / "model-linear_confusion.tsv").string() + ": cannot be read");

  const fs::path bad_count = copy_of_results("bad_count");
  std::string tsv = read_text(confusion_file());
  tsv.replace(tsv.rfind('\t') + 1, 1, "x");  // the last row's last count
  std::ofstream(bad_count / "model-linear_confusion.tsv") << tsv;
  EXPECT_FALSE(panel.open_folder(bad_count));
  const std::string message = panel.message().toStdString();
  EXPECT_TRUE(message.starts_with((bad_count / "model-linear_confusion.tsv").string() + ": line "))
      << message;
  EXPECT_NE(message.find("is not a count"), std::string::npos) << message;

  const fs::path empty = simulated_->path() / "empty";
  fs::create_directories(empty);
  EXPECT_FALSE(panel.open_folder(empty));
  EXPECT_TRUE(panel.message().toStdString().starts_with(empty.string() + ": no model-*"));
  EXPECT_FALSE(panel.results().has_value());
}

TEST_F(ResultsPanelTest, MainWindowOpensTheFolderInItsResultsDock) {
  gui::MainWindow window;
  auto* docks = window.job_docks();
  ASSERT_NE(docks, nullptr);
  // File > Open Results Folder and a Jobs menu with every job.
  EXPECT_NE(window.findChild<QAction*>("open_results_folder"), nullptr);
  QStringList jobs_menu_entries;
  for (const QAction* action : docks->jobs_menu()->actions())
    jobs_menu_entries << action->text();
  for (const QString& title : docks->job_panel()->job_titles())
    EXPECT_TRUE(jobs_menu_entries.contains(title + "\u2026")) << title.toStdString();
  bool in_menu_bar = false;
  for (const QAction* action : window.menuBar()->actions())
    in_menu_bar = in_menu_bar || action->menu() == docks->jobs_menu();
  EXPECT_TRUE(in_menu_bar);

  window.show();
  EXPECT_FALSE(docks->results_dock()->isVisible());
  ASSERT_TRUE(docks->open_results_folder(folder()));
  EXPECT_TRUE(docks->results_dock()->isVisible());
  const auto scores = nlohmann::json::parse(read_text(scores_file()));
  EXPECT_EQ(label_text(*docks->results_panel(), "accuracy"),
            QString::number(scores["accuracy"].get<double>(), 'f', 3));
}
