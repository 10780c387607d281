#include "app/gui/job_docks.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>

#include "app/gui/job_panel.h"
#include "app/gui/results_panel.h"

namespace gui {

namespace {

QDockWidget* add_dock(QMainWindow* window, const QString& title, const char* name,
                      QWidget* content) {
  auto* dock = new QDockWidget(title, window);
  dock->setObjectName(name);
  dock->setWidget(content);
  window->addDockWidget(Qt::RightDockWidgetArea, dock);
  dock->hide();
  return dock;
}

}  // namespace

JobDocks::JobDocks(QMainWindow* window)
    : QObject(window),
      window_(window),
      job_panel_(new JobPanel(window)),
      results_panel_(new ResultsPanel(window)) {
  jobs_dock_ = add_dock(window, "Jobs", "jobs_dock", job_panel_);
  results_dock_ = add_dock(window, "Decoding Results", "results_dock", results_panel_);

  jobs_menu_ = new QMenu("&Jobs", window);
  jobs_menu_->setObjectName("jobs_menu");
  for (const QString& title : job_panel_->job_titles()) {
    jobs_menu_->addAction(title + "\u2026", this, [this, title] {
      job_panel_->choose(title);
      jobs_dock_->show();
      jobs_dock_->raise();
    });
  }
  jobs_menu_->addSeparator();
  QAction* show_jobs = jobs_dock_->toggleViewAction();
  show_jobs->setText("Show &Job Panel");
  show_jobs->setShortcut(QKeySequence("Ctrl+J"));
  jobs_menu_->addAction(show_jobs);
  QAction* show_results = results_dock_->toggleViewAction();
  show_results->setText("Show &Results Panel");
  jobs_menu_->addAction(show_results);

  open_results_action_ = new QAction("Open Res&ults Folder\u2026", this);
  open_results_action_->setObjectName("open_results_folder");
  connect(open_results_action_, &QAction::triggered, this, &JobDocks::open_results_dialog);
  connect(job_panel_, &JobPanel::results_ready, this,
          [this](const QString& folder) { open_results_folder(folder.toStdString()); });
}

bool JobDocks::open_results_folder(const std::filesystem::path& folder) {
  const bool ok = results_panel_->open_folder(folder);
  results_dock_->show();
  results_dock_->raise();
  return ok;
}

void JobDocks::open_results_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, "Open Decoding Results Folder", QSettings().value("last_directory").toString());
  if (folder.isEmpty()) return;
  if (!open_results_folder(folder.toStdString())) {
    QMessageBox::warning(window_, "Cannot open the results", results_panel_->message());
  }
}

}  // namespace gui
