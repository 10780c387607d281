#pragma once
// Which explanation to believe: the methods of a `neuroseq explain` results
// folder side by side (faithfulness against plausibility, from
// explanations.tsv, sortable by any column) with its plots; choosing a method
// and a state asks for that method's map of the state as the overlay.
//
// read_explanation_table, find_explanation_maps and find_explanation_map are
// the pure part (no widgets).

#include <QWidget>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QTabWidget;
class QTableWidget;

namespace gui {

struct ExplanationTable {
  std::vector<std::string> columns;            // explanations.tsv's header
  std::vector<std::vector<std::string>> rows;  // one per method, as many cells as columns
};

// Reads <folder>/explanations.tsv. Throws std::runtime_error
// ("<file>: ...") when it is missing, has no "method" column or a row of
// another length than the header.
ExplanationTable read_explanation_table(const std::filesystem::path& folder);

// A statmap of the folder, from its file name.
struct ExplanationMap {
  std::string stat;     // "lrp", "igz", "gradtime"
  std::string state;    // the desc entity
  std::string subject;  // "group", "01"
  std::filesystem::path path;
};

// The *_statmap.nii[.gz] files directly in `folder`, by stat, state, subject.
std::vector<ExplanationMap> find_explanation_maps(const std::filesystem::path& folder);

// The map of `method` (as explanations.tsv names it: "integrated_gradients")
// for `state` and `subject`, written with the method's stat label ("ig")
// followed by `variant` ("" the mean relevance, "z" the group z, "time" the
// per-frame map); nullopt when there is none.
std::optional<std::filesystem::path> find_explanation_map(const std::vector<ExplanationMap>& maps,
                                                          const std::string& method,
                                                          const std::string& state,
                                                          const std::string& subject = "group",
                                                          const std::string& variant = "");

class ExplanationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ExplanationPanel(QWidget* parent = nullptr);

  // Shows the folder's table, plots and maps; throws as read_explanation_table
  // and leaves the panel as it was then.
  void open_folder(const std::filesystem::path& folder);
  const std::filesystem::path& folder() const { return folder_; }

  // Selects the method's row and the state (and subject, variant), which
  // asks for its map when there is one; false when the table has no such
  // method or no map matches.
  bool select(const std::string& method, const std::string& state,
              const std::string& subject = "group", const std::string& variant = "");
  // The map of the current selection.
  std::optional<std::filesystem::path> current_map() const;

  QTableWidget* methods_table() const { return table_; }
  QTabWidget* plots() const { return plots_; }

 signals:
  void map_chosen(const QString& path);

 private:
  std::string current_method() const;
  void choose_map();

  QLabel* heading_;
  QTableWidget* table_;
  QComboBox* state_;
  QComboBox* subject_;
  QComboBox* variant_;
  QLabel* map_name_;
  QTabWidget* plots_;
  std::filesystem::path folder_;
  std::vector<ExplanationMap> maps_;
  bool filling_ = false;
};

}  // namespace gui
