#include "app/gui/path_field.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSettings>
#include <QToolButton>

namespace gui {

PathField::PathField(Kind kind, const QString& object_name, QWidget* parent, const QString& filter)
    : QWidget(parent), kind_(kind), filter_(filter), edit_(new QLineEdit(this)) {
  setObjectName(object_name);
  edit_->setObjectName(object_name + "_path");
  edit_->setClearButtonEnabled(true);
  auto* browse_button = new QToolButton(this);
  browse_button->setText("Browse\u2026");
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(edit_, 1);
  layout->addWidget(browse_button);
  connect(browse_button, &QToolButton::clicked, this, &PathField::browse);
}

std::filesystem::path PathField::path() const {
  return std::filesystem::path(edit_->text().trimmed().toStdString());
}

void PathField::set_path(const std::filesystem::path& path) {
  edit_->setText(QString::fromStdString(path.string()));
}

void PathField::browse() {
  const QString start =
      edit_->text().isEmpty() ? QSettings().value("last_directory").toString() : edit_->text();
  QString chosen;
  if (kind_ == Kind::kExistingFile) {
    chosen = QFileDialog::getOpenFileName(this, "Choose a File", start, filter_);
  } else {
    chosen = QFileDialog::getExistingDirectory(this, "Choose a Folder", start);
  }
  if (!chosen.isEmpty()) edit_->setText(chosen);
}

}  // namespace gui
