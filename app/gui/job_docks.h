#pragma once
// The job panel and the results panel as docks of the main window, with the
// menu entries that reach them: a Jobs menu (one entry per job, and the docks'
// toggles) and File > Open Results Folder. A decoding job that finishes opens
// its folder in the results dock.

#include <QObject>
#include <QString>

#include <filesystem>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace gui {

class JobPanel;
class ResultsPanel;

class JobDocks : public QObject {
  Q_OBJECT

 public:
  // Adds both docks to `window`, hidden until asked for.
  explicit JobDocks(QMainWindow* window);

  QMenu* jobs_menu() const { return jobs_menu_; }
  QAction* open_results_action() const { return open_results_action_; }
  JobPanel* job_panel() const { return job_panel_; }
  ResultsPanel* results_panel() const { return results_panel_; }
  QDockWidget* jobs_dock() const { return jobs_dock_; }
  QDockWidget* results_dock() const { return results_dock_; }

  // Shows the folder in the results dock; false (the panel says why) when it
  // is not a readable decoding results folder.
  bool open_results_folder(const std::filesystem::path& folder);

 private:
  void open_results_dialog();

  QMainWindow* window_;
  JobPanel* job_panel_;
  ResultsPanel* results_panel_;
  QDockWidget* jobs_dock_;
  QDockWidget* results_dock_;
  QMenu* jobs_menu_;
  QAction* open_results_action_;
};

}  // namespace gui
