#pragma once
// The forms of the jobs the desktop application runs: each holds the few
// options that matter, with the command line's defaults, and turns them into
// a job for the JobRunner.

#include <QString>
#include <QWidget>

#include <filesystem>
#include <vector>

#include "app/gui/job_runner.h"

namespace gui {

struct PreparedJob {
  QString name;
  JobRunner::Job run;
  // A decoding results folder to open when the job has finished; empty for
  // jobs that write none.
  std::filesystem::path results_folder;
};

class JobForm : public QWidget {
  Q_OBJECT

 public:
  using QWidget::QWidget;
  // The entry of the job chooser, e.g. "Decode".
  virtual QString title() const = 0;
  // Throws std::runtime_error "<field>: <problem>" for a field left empty or
  // out of range; the job itself checks the files when it runs.
  virtual PreparedJob prepare() const = 0;
};

// Simulate a dataset, Pretrain an encoder, Fine-tune a decoder, Decode,
// Explain: in that order, children of `parent`.
std::vector<JobForm*> make_job_forms(QWidget* parent);

}  // namespace gui
