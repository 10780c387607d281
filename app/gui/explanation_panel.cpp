#include "app/gui/explanation_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "app/gui/data_browser.h"
#include "app/jobs/explanation_maps.h"
#include "neuro/bids/entities.h"

namespace gui {
namespace fs = std::filesystem;
namespace {

constexpr int kSortRole = Qt::UserRole;

// What each column of explanations.tsv says, and which way is better.
QString column_title(const std::string& column) {
  static const std::map<std::string, QString> titles{
      {"method", "Method"},
      {"faithfulness_fraction", "Faithfulness:\noccluded at chance \u2193"},
      {"deletion_auc", "Faithfulness:\ndeletion AUC \u2193"},
      {"random_deletion_auc", "Deletion AUC,\nrandom order"},
      {"ground_truth_auroc", "Plausibility:\nAUROC vs truth \u2191"},
      {"glm_r", "Plausibility:\nr with GLM \u2191"},
      {"glm_dice_top10", "Plausibility:\nDice top 10 % \u2191"},
      {"randomised_weights_r", "Sanity: r with\nrandom weights \u2193"},
      {"mean_error", "Conservation /\ncompleteness error"},
      {"seconds", "Seconds"}};
  const auto it = titles.find(column);
  return it == titles.end() ? QString::fromStdString(column) : it->second;
}

// Numbers sort as numbers; cells without one ("n/a", "not reached") after
// every number, whichever the direction.
class TableCell : public QTableWidgetItem {
 public:
  explicit TableCell(const std::string& text) : QTableWidgetItem(QString::fromStdString(text)) {
    bool ok = false;
    const double value = QString::fromStdString(text).toDouble(&ok);
    if (ok && std::isfinite(value)) {
      setData(kSortRole, value);
      setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
  }
  bool operator<(const QTableWidgetItem& other) const override {
    const QVariant a = data(kSortRole), b = other.data(kSortRole);
    if (a.isValid() && b.isValid()) return a.toDouble() < b.toDouble();
    if (a.isValid() != b.isValid()) {
      const bool ascending =
          !tableWidget() ||
          tableWidget()->horizontalHeader()->sortIndicatorOrder() == Qt::AscendingOrder;
      return a.isValid() == ascending;
    }
    return text() < other.text();
  }
};

void fill_combo(QComboBox* combo, const std::set<std::string>& items, const std::string& keep) {
  const QSignalBlocker block(combo);
  combo->clear();
  for (const auto& item : items)
    combo->addItem(QString::fromStdString(item));
  const int index = combo->findText(QString::fromStdString(keep));
  combo->setCurrentIndex(std::max(index, 0));
}

}  // namespace

ExplanationTable read_explanation_table(const fs::path& folder) {
  const fs::path file = folder / "explanations.tsv";
  if (!fs::is_regular_file(file)) throw std::runtime_error(file.string() + ": no such file");
  auto rows = read_tsv_rows(file);
  if (rows.empty() || std::find(rows[0].begin(), rows[0].end(), "method") == rows[0].end()) {
    throw std::runtime_error(file.string() + ": no header with a 'method' column");
  }
  ExplanationTable table;
  table.columns = std::move(rows[0]);
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != table.columns.size()) {
      throw std::runtime_error(file.string() + ": row " + std::to_string(r + 1) + " has " +
                               std::to_string(rows[r].size()) + " cells, the header " +
                               std::to_string(table.columns.size()));
    }
    table.rows.push_back(std::move(rows[r]));
  }
  return table;
}

std::vector<ExplanationMap> find_explanation_maps(const fs::path& folder) {
  std::vector<ExplanationMap> maps;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto name = neuro::try_parse_bids_name(entry.path().filename().string());
    if (!name || name->suffix != "statmap" || !name->has("stat")) continue;
    if (name->extension != ".nii.gz" && name->extension != ".nii") continue;
    maps.push_back(
        {name->value_or("stat"), name->value_or("desc"), name->value_or("sub"), entry.path()});
  }
  std::sort(maps.begin(), maps.end(),
            [](const ExplanationMap& a, const ExplanationMap& b) { return a.path < b.path; });
  return maps;
}

std::optional<fs::path> find_explanation_map(const std::vector<ExplanationMap>& maps,
                                             const std::string& method, const std::string& state,
                                             const std::string& subject,
                                             const std::string& variant) {
  const std::string stat = jobs::method_stat_label(method) + variant;
  for (const auto& map : maps) {
    if (map.stat == stat && map.state == state && map.subject == subject) return map.path;
  }
  return std::nullopt;
}

ExplanationPanel::ExplanationPanel(QWidget* parent) : QWidget(parent) {
  heading_ = new QLabel("Open the results of `neuroseq explain` (explanations.tsv).", this);
  heading_->setWordWrap(true);
  table_ = new QTableWidget(this);
  table_->setObjectName("method_table");
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->setSortingEnabled(true);

  state_ = new QComboBox(this);
  state_->setObjectName("state");
  subject_ = new QComboBox(this);
  subject_->setObjectName("subject");
  variant_ = new QComboBox(this);
  variant_->setObjectName("variant");
  variant_->addItem("mean relevance", "");
  variant_->addItem("group z", "z");
  variant_->addItem("over the window (4-D)", "time");
  map_name_ = new QLabel(this);
  map_name_->setObjectName("map_name");
  map_name_->setWordWrap(true);
  // The table and the choice of map on the left, the plots on the right.
  auto* choice = new QHBoxLayout;
  for (auto [label, combo] :
       {std::pair{"State", state_}, std::pair{"Subject", subject_}, std::pair{"Map", variant_}}) {
    choice->addWidget(new QLabel(label, this));
    choice->addWidget(combo, 1);
  }
  auto* methods = new QWidget(this);
  auto* left = new QVBoxLayout(methods);
  left->setContentsMargins(0, 0, 0, 0);
  left->addWidget(heading_);
  left->addWidget(table_, 1);
  left->addLayout(choice);
  left->addWidget(map_name_);

  plots_ = new QTabWidget(this);
  plots_->setObjectName("plots");
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(methods);
  split->addWidget(plots_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(split);

  connect(table_, &QTableWidget::itemSelectionChanged, this, &ExplanationPanel::choose_map);
  for (QComboBox* combo : {state_, subject_, variant_}) {
    connect(combo, &QComboBox::currentIndexChanged, this, &ExplanationPanel::choose_map);
  }
}

void ExplanationPanel::open_folder(const fs::path& folder) {
  const ExplanationTable table = read_explanation_table(folder);
  folder_ = folder;
  maps_ = find_explanation_maps(folder);
  filling_ = true;
  heading_->setText(QString::fromStdString(folder.filename().string()));
  heading_->setToolTip(QString::fromStdString(folder.string()));
  table_->setSortingEnabled(false);
  table_->clear();
  table_->setColumnCount(static_cast<int>(table.columns.size()));
  table_->setRowCount(static_cast<int>(table.rows.size()));
  for (size_t c = 0; c < table.columns.size(); ++c) {
    auto* header = new QTableWidgetItem(column_title(table.columns[c]));
    header->setToolTip(QString::fromStdString(table.columns[c]));
    header->setData(Qt::UserRole, QString::fromStdString(table.columns[c]));
    table_->setHorizontalHeaderItem(static_cast<int>(c), header);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      table_->setItem(static_cast<int>(r), static_cast<int>(c), new TableCell(table.rows[r][c]));
    }
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();

  std::set<std::string> states, subjects;
  for (const auto& map : maps_) {
    states.insert(map.state);
    subjects.insert(map.subject);
  }
  fill_combo(state_, states, state_->currentText().toStdString());
  fill_combo(subject_, subjects, "group");

  while (plots_->count() > 0) {
    QWidget* page = plots_->widget(0);
    plots_->removeTab(0);
    delete page;
  }
  std::vector<fs::path> pictures;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder / "plots", ec)) {
    if (entry.path().extension() == ".png") pictures.push_back(entry.path());
  }
  std::sort(pictures.begin(), pictures.end());
  for (const auto& picture : pictures) {
    auto* image = new QLabel;
    image->setPixmap(QPixmap(QString::fromStdString(picture.string())));
    auto* scroll = new QScrollArea;
    scroll->setWidget(image);
    plots_->addTab(scroll, QString::fromStdString(picture.stem().string()));
  }
  filling_ = false;
  map_name_->setText(table.rows.empty() ? "No method in the table." : "Select a method.");
}

std::string ExplanationPanel::current_method() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  for (int c = 0; c < table_->columnCount(); ++c) {
    if (table_->horizontalHeaderItem(c)->data(Qt::UserRole).toString() == "method") {
      return table_->item(rows.front().row(), c)->text().toStdString();
    }
  }
  return {};
}

std::optional<fs::path> ExplanationPanel::current_map() const {
  const std::string method = current_method();
  if (method.empty()) return std::nullopt;
  return find_explanation_map(maps_, method, state_->currentText().toStdString(),
                              subject_->currentText().toStdString(),
                              variant_->currentData().toString().toStdString());
}

bool ExplanationPanel::select(const std::string& method, const std::string& state,
                              const std::string& subject, const std::string& variant) {
  int method_row = -1;
  for (int r = 0; r < table_->rowCount() && method_row < 0; ++r) {
    for (int c = 0; c < table_->columnCount(); ++c) {
      if (table_->horizontalHeaderItem(c)->data(Qt::UserRole).toString() == "method" &&
          table_->item(r, c)->text().toStdString() == method) {
        method_row = r;
      }
    }
  }
  const int state_index = state_->findText(QString::fromStdString(state));
  const int subject_index = subject_->findText(QString::fromStdString(subject));
  const int variant_index = variant_->findData(QString::fromStdString(variant));
  if (method_row < 0 || state_index < 0 || subject_index < 0 || variant_index < 0) return false;
  filling_ = true;
  state_->setCurrentIndex(state_index);
  subject_->setCurrentIndex(subject_index);
  variant_->setCurrentIndex(variant_index);
  table_->selectRow(method_row);
  filling_ = false;
  choose_map();
  return current_map().has_value();
}

void ExplanationPanel::choose_map() {
  if (filling_) return;
  const std::string method = current_method();
  if (method.empty()) return;
  const auto map = current_map();
  if (!map) {
    map_name_->setText(QString::fromStdString("No " + method + " map of " +
                                              state_->currentText().toStdString() + " for " +
                                              subject_->currentText().toStdString() + "."));
    return;
  }
  map_name_->setText(QString::fromStdString(map->filename().string()));
  emit map_chosen(QString::fromStdString(map->string()));
}

}  // namespace gui
