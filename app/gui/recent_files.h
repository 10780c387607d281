#pragma once
// The files opened lately, newest first, kept in the application's QSettings.

#include <QString>
#include <QStringList>

namespace gui {

class RecentFiles {
 public:
  explicit RecentFiles(QString key = "recent_files", int limit = 10);

  QStringList list() const;
  // Moves `path` (made absolute) to the front; the oldest beyond the limit go.
  void add(const QString& path);
  void remove(const QString& path);
  void clear();

 private:
  QString key_;
  int limit_;
};

}  // namespace gui
