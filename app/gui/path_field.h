#pragma once
// A path typed or chosen with a Browse button: an existing folder, an
// existing file, or a folder to write into.

#include <QString>
#include <QWidget>

#include <filesystem>

class QLineEdit;

namespace gui {

class PathField : public QWidget {
  Q_OBJECT

 public:
  enum class Kind { kExistingFolder, kExistingFile, kOutputFolder };

  // `filter`: the file dialog's name filter (files only).
  PathField(Kind kind, const QString& object_name, QWidget* parent = nullptr,
            const QString& filter = {});

  std::filesystem::path path() const;
  void set_path(const std::filesystem::path& path);
  QLineEdit* line_edit() const { return edit_; }

 private:
  void browse();

  Kind kind_;
  QString filter_;
  QLineEdit* edit_;
};

}  // namespace gui
