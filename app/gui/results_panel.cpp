#include "app/gui/results_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include <exception>

#include "app/gui/confusion_heatmap.h"
#include "app/jobs/error_message.h"

namespace gui {

namespace {

QString to_qstring(const std::filesystem::path& path) {
  return QString::fromStdString(path.string());
}

QString score(double value) {
  return QString::number(value, 'f', 3);
}

QString p_value(double p) {
  return QString::number(p, 'g', 3);
}

QLabel* value_label(const char* name, QWidget* parent) {
  auto* label = new QLabel("\u2014", parent);
  label->setObjectName(name);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

}  // namespace

ResultsPanel::ResultsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("results_panel");
  models_ = new QComboBox(this);
  models_->setObjectName("results_model");
  models_->setToolTip("The models whose results this folder holds.");
  message_ =
      new QLabel("Open a decoding results folder with File \u2192 Open Results Folder.", this);
  message_->setObjectName("results_message");
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  accuracy_ = value_label("accuracy", this);
  balanced_accuracy_ = value_label("balanced_accuracy", this);
  macro_f1_ = value_label("macro_f1", this);
  chance_ = value_label("chance", this);
  binomial_p_ = value_label("binomial_p", this);
  permutation_p_ = value_label("permutation_p", this);
  windows_ = value_label("windows", this);
  auto* scores = new QFormLayout;
  scores->addRow("Model:", models_);
  scores->addRow("Accuracy:", accuracy_);
  scores->addRow("Balanced accuracy:", balanced_accuracy_);
  scores->addRow("Macro-F1:", macro_f1_);
  scores->addRow("Chance:", chance_);
  scores->addRow("Binomial p:", binomial_p_);
  scores->addRow("Permutation p:", permutation_p_);
  scores->addRow("Test windows:", windows_);

  heatmap_ = new ConfusionHeatmap(this);
  heatmap_->setToolTip("Rows: true state; columns: decoded state; colour: share of the row.");

  per_state_ = new QTableWidget(0, 5, this);
  per_state_->setObjectName("per_state_scores");
  per_state_->setHorizontalHeaderLabels({"State", "Precision", "Recall", "F1", "Support"});
  per_state_->verticalHeader()->hide();
  per_state_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  per_state_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(message_);
  layout->addLayout(scores);
  layout->addWidget(heatmap_, 1);
  layout->addWidget(per_state_, 1);

  connect(models_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0 && index < static_cast<int>(scores_files_.size()))
      show_model(scores_files_[static_cast<size_t>(index)]);
  });
}

QString ResultsPanel::message() const {
  return message_->text();
}

bool ResultsPanel::open_folder(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  try {
    files = find_scores_files(folder);
    show_results(read_decoding_results(files.front()));
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(jobs::error_message(e)));
    return false;
  }
  scores_files_ = files;
  const QSignalBlocker quiet(models_);
  models_->clear();
  for (const auto& f : scores_files_)
    models_->addItem(to_qstring(f.filename()));
  models_->setCurrentIndex(0);
  return true;
}

bool ResultsPanel::show_model(const std::filesystem::path& scores_file) {
  try {
    show_results(read_decoding_results(scores_file));
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(jobs::error_message(e)));
    return false;
  }
  return true;
}

void ResultsPanel::show_error(const QString& text) {
  message_->setText(text);
  message_->setStyleSheet("color: #b00020;");
}

void ResultsPanel::show_results(const DecodingResults& r) {
  QStringList states;
  for (const auto& s : r.states)
    states << QString::fromStdString(s);
  heatmap_->set_matrix(states, r.confusion);
  message_->setStyleSheet({});
  message_->setText(to_qstring(r.scores_file.parent_path()));
  accuracy_->setText(score(r.accuracy));
  balanced_accuracy_->setText(score(r.balanced_accuracy));
  macro_f1_->setText(score(r.macro_f1));
  chance_->setText(score(r.chance));
  binomial_p_->setText(p_value(r.binomial_p));
  permutation_p_->setText(
      r.permutation_p
          ? QString("%1 (%2 permutations)").arg(p_value(*r.permutation_p)).arg(r.permutations)
          : QString("not run"));
  windows_->setText(
      QString("%1 of %2 subjects, %3 folds").arg(r.windows).arg(r.subjects.size()).arg(r.folds));
  per_state_->setRowCount(static_cast<int>(r.states.size()));
  for (size_t i = 0; i < r.states.size(); ++i) {
    const int row = static_cast<int>(i);
    per_state_->setItem(row, 0, new QTableWidgetItem(states[row]));
    const double values[] = {r.precision[i], r.recall[i], r.f1[i]};
    for (int c = 0; c < 3; ++c) {
      auto* item = new QTableWidgetItem(score(values[c]));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      per_state_->setItem(row, c + 1, item);
    }
    auto* support = new QTableWidgetItem(QString::number(r.support[i]));
    support->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    per_state_->setItem(row, 4, support);
  }
  results_ = r;
}

}  // namespace gui
