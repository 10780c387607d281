#include "app/gui/job_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

#include "app/gui/job_runner.h"
#include "app/gui/loss_chart.h"
#include "app/jobs/error_message.h"

namespace gui {

namespace {
constexpr int kProgressSteps = 1000;
constexpr int kMaxLogLines = 5000;
constexpr int kMaxFormHeight = 320;
}  // namespace

QString format_time_left(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return {};
  const long s = std::lround(seconds);
  if (s < 60) return QString("%1 s left").arg(s);
  const long minutes = (s + 30) / 60;
  if (minutes < 60) return QString("%1 min left").arg(minutes);
  return QString("%1 h %2 min left").arg(minutes / 60).arg(minutes % 60);
}

JobPanel::JobPanel(QWidget* parent) : QWidget(parent), runner_(new JobRunner(this)) {
  setObjectName("job_panel");
  chooser_ = new QComboBox(this);
  chooser_->setObjectName("job_kind");
  forms_ = new QStackedWidget(this);
  form_list_ = make_job_forms(forms_);
  for (JobForm* form : form_list_) {
    chooser_->addItem(form->title());
    forms_->addWidget(form);
  }
  connect(chooser_, &QComboBox::currentIndexChanged, forms_, &QStackedWidget::setCurrentIndex);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(forms_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // The whole form where there is room for it, scrolling only in a small dock.
  scroll->setMinimumHeight(std::min(forms_->sizeHint().height() + 8, kMaxFormHeight));

  run_button_ = new QPushButton("Run", this);
  run_button_->setObjectName("run_job");
  cancel_button_ = new QPushButton("Cancel", this);
  cancel_button_->setObjectName("cancel_job");
  cancel_button_->setEnabled(false);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("job_progress");
  progress_->setRange(0, kProgressSteps);
  progress_->setValue(0);
  status_ = new QLabel("Idle", this);
  status_->setObjectName("job_status");
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  log_ = new QPlainTextEdit(this);
  log_->setObjectName("job_log");
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(kMaxLogLines);
  log_->setLineWrapMode(QPlainTextEdit::NoWrap);
  chart_ = new LossChart(this);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_button_);
  buttons->addWidget(cancel_button_);
  buttons->addWidget(progress_, 1);
  auto* below = new QSplitter(Qt::Vertical, this);
  below->addWidget(log_);
  below->addWidget(chart_);
  below->setStretchFactor(0, 1);
  below->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(chooser_);
  layout->addWidget(scroll);
  layout->addLayout(buttons);
  layout->addWidget(status_);
  layout->addWidget(below, 1);

  connect(run_button_, &QPushButton::clicked, this, &JobPanel::run_current);
  connect(cancel_button_, &QPushButton::clicked, runner_, &JobRunner::cancel);
  connect(runner_, &JobRunner::progress_changed, this, &JobPanel::on_progress);
  connect(runner_, &JobRunner::logged, this, &JobPanel::append_log);
  connect(runner_, &JobRunner::metric_recorded, chart_, &LossChart::add_point);
  connect(runner_, &JobRunner::failed, this, [this](const QString& message) {
    append_log("error: " + message);
    status_->setText("Failed: " + message);
  });
  connect(runner_, &JobRunner::cancelled, this, [this] {
    append_log("cancelled");
    status_->setText("Cancelled");
  });
  connect(runner_, &JobRunner::finished, this, &JobPanel::on_finished);
}

bool JobPanel::choose(const QString& title) {
  const int index = chooser_->findText(title);
  if (index < 0) return false;
  chooser_->setCurrentIndex(index);
  return true;
}

JobForm* JobPanel::current_form() const {
  return form_list_[static_cast<size_t>(forms_->currentIndex())];
}

QStringList JobPanel::job_titles() const {
  QStringList titles;
  for (const JobForm* form : form_list_)
    titles << form->title();
  return titles;
}

QString JobPanel::log_text() const {
  return log_->toPlainText();
}

QString JobPanel::status_text() const {
  return status_->text();
}

bool JobPanel::run_current() {
  PreparedJob job;
  try {
    job = current_form()->prepare();
  } catch (const std::exception& e) {
    const QString message = QString::fromStdString(jobs::error_message(e));
    append_log("error: " + message);
    status_->setText(message);
    return false;
  }
  return run(job);
}

bool JobPanel::run(const PreparedJob& job) {
  if (runner_->is_running()) {
    append_log("error: " + runner_->job_name() + " is still running; cancel it first");
    return false;
  }
  results_folder_ = job.results_folder;
  chart_->clear();
  progress_->setValue(0);
  append_log(QString("%1 \u2014 %2 started").arg(QTime::currentTime().toString(), job.name));
  status_->setText(job.name + ": starting");
  set_running(true);
  return runner_->start(job.name, job.run);
}

void JobPanel::append_log(const QString& line) {
  log_->appendPlainText(line);
}

void JobPanel::set_running(bool running) {
  run_button_->setEnabled(!running);
  chooser_->setEnabled(!running);
  forms_->setEnabled(!running);
  cancel_button_->setEnabled(running);
}

void JobPanel::on_progress(double fraction, const QString& message, double eta_seconds) {
  progress_->setValue(static_cast<int>(std::lround(fraction * kProgressSteps)));
  const QString left = format_time_left(eta_seconds);
  status_->setText(left.isEmpty() ? message : message + " \u2014 " + left);
}

void JobPanel::on_finished(bool ok) {
  set_running(false);
  if (!ok) return;
  progress_->setValue(kProgressSteps);
  status_->setText(runner_->job_name() + ": done");
  append_log(
      QString("%1 \u2014 %2 done").arg(QTime::currentTime().toString(), runner_->job_name()));
  if (!results_folder_.empty())
    emit results_ready(QString::fromStdString(results_folder_.string()));
}

}  // namespace gui
