#include "app/gui/data_browser.h"

#include <QDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/io/text_file.h"
#include "neuro/bids/entities.h"

namespace gui {
namespace fs = std::filesystem;
namespace {

constexpr int kKindRole = Qt::UserRole;
constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kConfigRole = Qt::UserRole + 2;

bool is_nifti(const std::string& file) {
  return file.ends_with(".nii.gz") || file.ends_with(".nii");
}

bool is_anatomy_suffix(const std::string& suffix) {
  static const std::set<std::string> suffixes{"T1w", "T2w", "FLAIR", "PD", "PDw", "T2starw"};
  return suffixes.contains(suffix);
}

// Tables that belong to a run or an atlas rather than to results.
bool is_side_table(const std::string& suffix) {
  static const std::set<std::string> suffixes{"events", "timeseries", "dseg", "physio", "stim"};
  return suffixes.contains(suffix);
}

std::string relative_text(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path relative = fs::relative(path, root, ec);
  return ec || relative.empty() ? path.string() : relative.string();
}

// "task-motor run-1 space-MNI152 desc-preproc": the entities a subject's
// folder does not already say.
std::string entities_text(const neuro::BidsName& name) {
  std::string text;
  for (const auto& entity : name.entities) {
    if (entity.key == "sub" || entity.key == "ses") continue;
    if (!text.empty()) text += ' ';
    text += entity.key + "-" + entity.value;
  }
  return text;
}

BrowserEntry& child_group(BrowserEntry& parent, const std::string& label) {
  for (auto& child : parent.children) {
    if (child.kind == BrowserEntryKind::kGroup && child.label == label) return child;
  }
  BrowserEntry group;
  group.label = label;
  parent.children.push_back(std::move(group));
  return parent.children.back();
}

BrowserEntry file_entry(BrowserEntryKind kind, std::string label, const fs::path& root,
                        const fs::path& path) {
  BrowserEntry entry;
  entry.kind = kind;
  entry.label = std::move(label);
  entry.detail = relative_text(root, path);
  entry.path = path;
  return entry;
}

// The group's subject ("sub-group") first, then by label; groups keep the
// order they were made in at the top level.
void sort_children(BrowserEntry& entry, bool top_level) {
  for (auto& child : entry.children)
    sort_children(child, false);
  if (top_level) return;
  std::stable_sort(entry.children.begin(), entry.children.end(),
                   [](const BrowserEntry& a, const BrowserEntry& b) {
                     const bool a_group = a.label.starts_with("sub-group");
                     const bool b_group = b.label.starts_with("sub-group");
                     if (a_group != b_group) return a_group;
                     return a.label < b.label;
                   });
}

class FolderScan {
 public:
  explicit FolderScan(const fs::path& root) : root_(root) {
    for (const char* group :
         {kSubjectsGroup, kMapsGroup, kModelsGroup, kAtlasesGroup, kAnatomyGroup, kTablesGroup}) {
      child_group(tree_, group);
    }
  }

  void add(const fs::path& path) {
    const std::string file = path.filename().string();
    const std::optional<neuro::BidsName> name = neuro::try_parse_bids_name(file);
    const std::string suffix = name ? name->suffix : "";
    if (file.ends_with(".safetensors")) {
      add_model(path);
    } else if (is_nifti(file) && name) {
      add_image(path, *name);
    } else if (file.ends_with(".tsv") && !is_side_table(suffix)) {
      const std::string folder = relative_text(root_, path.parent_path());
      BrowserEntry& group = child_group(child_group(tree_, kTablesGroup),
                                        folder == "." ? root_.filename().string() : folder);
      group.children.push_back(file_entry(BrowserEntryKind::kTable, file, root_, path));
    }
  }

  BrowserEntry finish(bool truncated, size_t max_files) {
    std::erase_if(tree_.children, [](const BrowserEntry& e) { return e.children.empty(); });
    sort_children(tree_, true);
    tree_.label = root_.filename().string();
    if (tree_.label.empty()) tree_.label = root_.string();
    tree_.detail = root_.string();
    if (truncated)
      tree_.detail += " (listing stopped after " + std::to_string(max_files) + " files)";
    return std::move(tree_);
  }

 private:
  void add_model(const fs::path& path) {
    BrowserEntry entry =
        file_entry(BrowserEntryKind::kModel, relative_text(root_, path), root_, path);
    fs::path config = path;
    config.replace_extension(".json");
    if (fs::is_regular_file(config)) entry.config = config;
    child_group(tree_, kModelsGroup).children.push_back(std::move(entry));
  }

  void add_image(const fs::path& path, const neuro::BidsName& name) {
    const std::string subject = name.value_or("sub");
    if (name.suffix == "statmap" || name.suffix == "groundtruth") {
      const std::string method =
          name.suffix == "groundtruth" ? kGroundTruthMethod : name.value_or("stat", "(no stat)");
      std::string label = subject.empty() ? path.filename().string() : "sub-" + subject;
      if (name.has("task")) label += " task-" + name.value_or("task");
      const std::string folder = relative_text(root_, path.parent_path());
      if (folder != ".") label += "  (" + folder + ")";
      BrowserEntry& state = child_group(child_group(child_group(tree_, kMapsGroup), method),
                                        name.value_or("desc", "(no state)"));
      state.children.push_back(file_entry(BrowserEntryKind::kMap, label, root_, path));
    } else if (name.has("atlas")) {
      child_group(tree_, kAtlasesGroup)
          .children.push_back(file_entry(BrowserEntryKind::kAtlas,
                                         entities_text(name) + " " + name.suffix, root_, path));
    } else if (name.suffix == "bold" || is_anatomy_suffix(name.suffix)) {
      const bool bold = name.suffix == "bold";
      const BrowserEntryKind kind = bold ? BrowserEntryKind::kBold : BrowserEntryKind::kAnatomy;
      if (subject.empty()) {
        child_group(tree_, kAnatomyGroup)
            .children.push_back(file_entry(kind, path.filename().string(), root_, path));
        return;
      }
      BrowserEntry* parent = &child_group(child_group(tree_, kSubjectsGroup), "sub-" + subject);
      if (name.has("ses")) parent = &child_group(*parent, "ses-" + name.value_or("ses"));
      std::string label = entities_text(name);
      if (!bold) label += (label.empty() ? "" : " ") + name.suffix;
      parent->children.push_back(file_entry(kind, label, root_, path));
    }
  }

  fs::path root_;
  BrowserEntry tree_;
};

void add_items(QTreeWidgetItem* parent, const BrowserEntry& entry) {
  for (const auto& child : entry.children) {
    auto* item = new QTreeWidgetItem(parent, {QString::fromStdString(child.label)});
    item->setToolTip(0, QString::fromStdString(child.detail));
    item->setData(0, kKindRole, static_cast<int>(child.kind));
    item->setData(0, kPathRole, QString::fromStdString(child.path.string()));
    item->setData(0, kConfigRole, QString::fromStdString(child.config.string()));
    add_items(item, child);
  }
}

}  // namespace

BrowserEntry scan_folder(const fs::path& folder, const FolderScanOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw std::runtime_error(folder.string() + ": " +
                             (fs::exists(folder, ec) ? "not a folder" : "no such folder"));
  }
  const fs::path root = fs::absolute(folder).lexically_normal();
  FolderScan scan(root);
  size_t files = 0;
  bool truncated = false;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw std::runtime_error(folder.string() + ": cannot be listed: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& path = it->path();
    const bool hidden = path.filename().string().starts_with(".");
    if (it->is_directory(ec)) {
      if (hidden || it.depth() >= options.max_depth) it.disable_recursion_pending();
      continue;
    }
    if (hidden || !it->is_regular_file(ec)) continue;
    if (++files > options.max_files) {
      truncated = true;
      break;
    }
    scan.add(path);
  }
  return scan.finish(truncated, options.max_files);
}

std::vector<std::vector<std::string>> read_tsv_rows(const fs::path& file) {
  std::istringstream text(core::read_text_file(file));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(text, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> row;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t'))
      row.push_back(cell);
    if (line.back() == '\t') row.emplace_back();
    rows.push_back(std::move(row));
  }
  return rows;
}

DataBrowser::DataBrowser(QWidget* parent) : QWidget(parent) {
  heading_ = new QLabel("Open a dataset or a results folder with File \u2192 Open Dataset.", this);
  heading_->setWordWrap(true);
  tree_ = new QTreeWidget(this);
  tree_->setObjectName("data_tree");
  tree_->setHeaderHidden(true);
  tree_->setUniformRowHeights(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(heading_);
  layout->addWidget(tree_, 1);
  connect(tree_, &QTreeWidget::itemActivated, this,
          [this](QTreeWidgetItem* item) { activate(item); });
}

void DataBrowser::open_folder(const fs::path& folder) {
  const BrowserEntry root = scan_folder(folder);
  folder_ = fs::absolute(folder).lexically_normal();
  tree_->clear();
  add_items(tree_->invisibleRootItem(), root);
  for (int i = 0; i < tree_->topLevelItemCount(); ++i)
    tree_->topLevelItem(i)->setExpanded(true);
  heading_->setText(QString::fromStdString(root.label));
  heading_->setToolTip(QString::fromStdString(root.detail));
}

QTreeWidgetItem* DataBrowser::item_of(const fs::path& file) const {
  const QString wanted = QString::fromStdString(fs::absolute(file).lexically_normal().string());
  for (QTreeWidgetItemIterator it(tree_); *it; ++it) {
    if ((*it)->data(0, kPathRole).toString() == wanted) return *it;
  }
  return nullptr;
}

void DataBrowser::activate(QTreeWidgetItem* item) {
  if (!item) return;
  const auto kind = static_cast<BrowserEntryKind>(item->data(0, kKindRole).toInt());
  const QString path = item->data(0, kPathRole).toString();
  try {
    switch (kind) {
      case BrowserEntryKind::kGroup:
        return;
      case BrowserEntryKind::kBold:
      case BrowserEntryKind::kAnatomy:
        emit underlay_requested(path);
        return;
      case BrowserEntryKind::kMap:
        emit overlay_requested(path);
        return;
      case BrowserEntryKind::kAtlas:
        emit atlas_requested(path);
        return;
      case BrowserEntryKind::kModel: {
        const QString config = item->data(0, kConfigRole).toString();
        if (config.isEmpty()) {
          throw std::runtime_error(path.toStdString() + ": no .json of the same name beside it");
        }
        show_text_window("Model configuration \u2014 " + QFileInfo(config).fileName(),
                         "model_config_window",
                         QString::fromStdString(core::read_text_file(config.toStdString())));
        return;
      }
      case BrowserEntryKind::kTable:
        if (fs::path(path.toStdString()).filename() == "explanations.tsv") {
          emit explanations_requested(
              QString::fromStdString(fs::path(path.toStdString()).parent_path().string()));
        } else {
          show_table_window(path.toStdString());
        }
        return;
    }
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Cannot open", QString::fromStdString(e.what()));
  }
}

void DataBrowser::show_text_window(const QString& title, const QString& object_name,
                                   const QString& text) {
  auto* window = new QDialog(this);
  window->setObjectName(object_name);
  window->setAttribute(Qt::WA_DeleteOnClose);
  window->setWindowTitle(title);
  auto* view = new QPlainTextEdit(window);
  view->setObjectName("text");
  view->setReadOnly(true);
  view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  view->setPlainText(text);
  auto* layout = new QVBoxLayout(window);
  layout->addWidget(view);
  window->resize(640, 480);
  window->show();
}

void DataBrowser::show_table_window(const fs::path& file) {
  const auto rows = read_tsv_rows(file);
  auto* window = new QDialog(this);
  window->setObjectName("table_window");
  window->setAttribute(Qt::WA_DeleteOnClose);
  window->setWindowTitle(QString::fromStdString(file.filename().string()));
  auto* table = new QTableWidget(window);
  table->setObjectName("table");
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  size_t columns = 0;
  for (const auto& row : rows)
    columns = std::max(columns, row.size());
  table->setColumnCount(static_cast<int>(columns));
  table->setRowCount(rows.empty() ? 0 : static_cast<int>(rows.size() - 1));
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const QString cell = QString::fromStdString(rows[r][c]);
      if (r == 0) {
        table->setHorizontalHeaderItem(static_cast<int>(c), new QTableWidgetItem(cell));
      } else {
        table->setItem(static_cast<int>(r - 1), static_cast<int>(c), new QTableWidgetItem(cell));
      }
    }
  }
  table->resizeColumnsToContents();
  auto* layout = new QVBoxLayout(window);
  layout->addWidget(table);
  window->resize(800, 420);
  window->show();
}

}  // namespace gui
