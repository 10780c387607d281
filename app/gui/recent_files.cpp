#include "app/gui/recent_files.h"

#include <QFileInfo>
#include <QSettings>

#include <utility>

namespace gui {

RecentFiles::RecentFiles(QString key, int limit) : key_(std::move(key)), limit_(limit) {}

QStringList RecentFiles::list() const {
  return QSettings().value(key_).toStringList();
}

void RecentFiles::add(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  QStringList files = list();
  files.removeAll(absolute);
  files.prepend(absolute);
  while (files.size() > limit_)
    files.removeLast();
  QSettings().setValue(key_, files);
}

void RecentFiles::remove(const QString& path) {
  QStringList files = list();
  files.removeAll(QFileInfo(path).absoluteFilePath());
  QSettings().setValue(key_, files);
}

void RecentFiles::clear() {
  QSettings().remove(key_);
}

}  // namespace gui
