#pragma once
// The results of a decoding job, read from its folder: the scores with chance
// and p-values, the confusion matrix as a heatmap and a table of precision,
// recall, F1 and support per state. A folder with several models
// (model-linear_*, model-longconv_*) offers each in a list.

#include <QWidget>

#include <filesystem>
#include <optional>
#include <vector>

#include "app/gui/decoding_results.h"

class QComboBox;
class QLabel;
class QTableWidget;

namespace gui {

class ConfusionHeatmap;

class ResultsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ResultsPanel(QWidget* parent = nullptr);

  // Shows the folder's first model; false when it cannot, and then the panel
  // keeps what it showed and its message is the one-line error naming the
  // file.
  bool open_folder(const std::filesystem::path& folder);
  // One model of the open folder; same failure rule.
  bool show_model(const std::filesystem::path& scores_file);

  const std::optional<DecodingResults>& results() const { return results_; }
  QString message() const;
  ConfusionHeatmap* heatmap() const { return heatmap_; }

 private:
  void show_results(const DecodingResults& r);
  void show_error(const QString& text);

  QComboBox* models_;
  QLabel* message_;
  QLabel* accuracy_;
  QLabel* balanced_accuracy_;
  QLabel* macro_f1_;
  QLabel* chance_;
  QLabel* binomial_p_;
  QLabel* permutation_p_;
  QLabel* windows_;
  ConfusionHeatmap* heatmap_;
  QTableWidget* per_state_;
  std::vector<std::filesystem::path> scores_files_;
  std::optional<DecodingResults> results_;
};

}  // namespace gui
