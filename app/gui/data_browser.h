#pragma once
// The data browser: a dock that lists what a folder holds — a BIDS or
// fMRIPrep dataset, a NeuroSeq results folder, or a folder of several — as
// subjects with their runs, maps by method and state, models, atlases and
// tables. A double-click opens the entry: a BOLD run or an anatomy as the
// underlay, a map as the overlay, an atlas as the atlas, a model's config
// and a table in read-only windows.
//
// scan_folder is the pure part (no widgets): what the tree shows.

#include <QWidget>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace gui {

enum class BrowserEntryKind { kGroup, kBold, kAnatomy, kMap, kAtlas, kModel, kTable };

struct BrowserEntry {
  BrowserEntryKind kind = BrowserEntryKind::kGroup;
  std::string label;
  std::string detail;            // a tooltip: the file's path relative to the folder, its entities
  std::filesystem::path path;    // the file; empty for groups
  std::filesystem::path config;  // a model's JSON beside its weights; empty when none
  std::vector<BrowserEntry> children;
};

// Names of the top-level groups, in the order they are listed (empty ones
// are left out).
inline constexpr const char* kSubjectsGroup = "Subjects";
inline constexpr const char* kMapsGroup = "Maps";
inline constexpr const char* kModelsGroup = "Models";
inline constexpr const char* kAtlasesGroup = "Atlases";
inline constexpr const char* kAnatomyGroup = "Anatomy";
inline constexpr const char* kTablesGroup = "Tables";
// The method group of the simulator's ground-truth maps.
inline constexpr const char* kGroundTruthMethod = "ground truth";

struct FolderScanOptions {
  int max_depth = 8;  // folders below the root that are looked into
  // Stop after this many files, so that pointing at a home folder stays quick.
  size_t max_files = 100000;
};

// The tree of `folder`:
//   Subjects > sub-XX > [ses-YY >] BOLD runs ("task-motor run-1 space-MNI152 preproc")
//                                  and anatomies ("T1w space-MNI152")
//   Maps > method (the stat entity; "ground truth") > state (desc) > "sub-XX"
//          (statmaps and the simulator's ground truth; the folder is named
//          when it is not the root)
//   Models > *.safetensors (config: the .json of the same name)
//   Atlases > *_dseg images with an atlas entity
//   Anatomy > anatomies without a subject (templates, viewer underlays)
//   Tables > folder > *.tsv (not events, confounds or atlas names)
// Hidden files and folders are skipped. Throws std::runtime_error
// ("<folder>: ...") when the folder does not exist or is not a folder.
BrowserEntry scan_folder(const std::filesystem::path& folder,
                         const FolderScanOptions& options = {});

// The rows of a TSV file with its header row first. Throws std::runtime_error
// ("<file>: ...") when it cannot be read.
std::vector<std::vector<std::string>> read_tsv_rows(const std::filesystem::path& file);

class DataBrowser : public QWidget {
  Q_OBJECT

 public:
  explicit DataBrowser(QWidget* parent = nullptr);

  // Scans and shows `folder`; throws as scan_folder and leaves the tree as it
  // was then.
  void open_folder(const std::filesystem::path& folder);
  const std::filesystem::path& folder() const { return folder_; }
  QTreeWidget* tree() const { return tree_; }
  // The item listing `file`, nullptr when it is not listed.
  QTreeWidgetItem* item_of(const std::filesystem::path& file) const;
  // What a double-click on `item` does.
  void activate(QTreeWidgetItem* item);

 signals:
  void underlay_requested(const QString& path);
  void overlay_requested(const QString& path);
  void atlas_requested(const QString& path);
  // explanations.tsv was opened: its folder.
  void explanations_requested(const QString& folder);

 private:
  void show_text_window(const QString& title, const QString& object_name, const QString& text);
  void show_table_window(const std::filesystem::path& file);

  QLabel* heading_;
  QTreeWidget* tree_;
  std::filesystem::path folder_;
};

}  // namespace gui
