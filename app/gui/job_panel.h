#pragma once
// The jobs of the command line, run from the desktop: choose a job, fill its
// short form, Run; a progress bar with the time left, the job's log and a live
// chart of its losses follow it, and Cancel stops it at its next check. A
// decoding job that finishes hands its results folder on (results_ready).

#include <QString>
#include <QWidget>

#include <filesystem>
#include <vector>

#include "app/gui/job_forms.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace gui {

class JobRunner;
class LossChart;

// "12 s left", "4 min left", "1 h 5 min left"; empty for a negative ETA.
QString format_time_left(double seconds);

class JobPanel : public QWidget {
  Q_OBJECT

 public:
  explicit JobPanel(QWidget* parent = nullptr);

  // Shows the form whose title() is `title`; false when there is none.
  bool choose(const QString& title);
  JobForm* current_form() const;
  QStringList job_titles() const;

  // Runs the current form's job; false, with the problem in the log, when
  // the form is incomplete or a job is already running.
  bool run_current();
  bool run(const PreparedJob& job);

  JobRunner* runner() const { return runner_; }
  LossChart* loss_chart() const { return chart_; }
  QString log_text() const;
  QString status_text() const;

 signals:
  void results_ready(const QString& folder);

 private:
  void append_log(const QString& line);
  void set_running(bool running);
  void on_progress(double fraction, const QString& message, double eta_seconds);
  void on_finished(bool ok);

  QComboBox* chooser_;
  QStackedWidget* forms_;
  std::vector<JobForm*> form_list_;
  QPushButton* run_button_;
  QPushButton* cancel_button_;
  QProgressBar* progress_;
  QLabel* status_;
  QPlainTextEdit* log_;
  LossChart* chart_;
  JobRunner* runner_;
  std::filesystem::path results_folder_;
};

}  // namespace gui
