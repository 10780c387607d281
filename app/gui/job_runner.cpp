#include "app/gui/job_runner.h"

#include <QMetaObject>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <exception>
#include <utility>

#include "app/jobs/error_message.h"

namespace gui {

namespace {
// Below these, the pace seen so far says too little about the rest.
constexpr double kMinFractionForEta = 0.01;
constexpr double kMinSecondsForEta = 0.5;
}  // namespace

double estimate_remaining_seconds(double fraction, double elapsed_seconds) {
  if (fraction < kMinFractionForEta || elapsed_seconds < kMinSecondsForEta) return -1;
  if (fraction >= 1) return 0;
  return elapsed_seconds * (1 - fraction) / fraction;
}

JobRunner::JobRunner(QObject* parent) : QObject(parent), delivery_timer_(new QTimer(this)) {
  delivery_timer_->setSingleShot(true);
  connect(delivery_timer_, &QTimer::timeout, this, &JobRunner::deliver);
}

JobRunner::~JobRunner() {
  if (!thread_) return;
  cancel_ = true;
  thread_->wait();
  delete thread_;
}

bool JobRunner::start(const QString& name, Job job) {
  if (thread_) return false;
  name_ = name;
  cancel_ = false;
  {
    std::lock_guard lock(mutex_);
    pending_.clear();
    delivery_requested_ = false;
    outcome_ = Outcome::kOk;
    error_.clear();
  }
  const jobs::JobContext context = make_context();
  thread_ = QThread::create([this, job = std::move(job), context] {
    Outcome outcome = Outcome::kOk;
    QString error;
    try {
      job(context);
    } catch (const jobs::Cancelled&) {
      outcome = Outcome::kCancelled;
    } catch (const std::exception& e) {
      outcome = Outcome::kFailed;
      error = QString::fromStdString(jobs::error_message(e));
    } catch (...) {
      outcome = Outcome::kFailed;
      error = "unknown error";
    }
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
    error_ = error;
  });
  thread_->setObjectName("job " + name);
  // The thread object lives on the GUI thread, so this arrives there queued.
  connect(thread_, &QThread::finished, this, &JobRunner::on_thread_finished);
  clock_.start();
  emit started(name);
  thread_->start();
  return true;
}

void JobRunner::cancel() {
  cancel_ = true;
}

jobs::JobContext JobRunner::make_context() {
  jobs::JobContext context;
  context.cancel = &cancel_;
  context.progress = [this](double fraction, std::string_view message) {
    enqueue({Update::Kind::kProgress, QString::fromUtf8(message.data(), message.size()),
             std::clamp(fraction, 0.0, 1.0), 0});
  };
  context.log = [this](std::string_view line) {
    enqueue({Update::Kind::kLog, QString::fromUtf8(line.data(), line.size()), 0, 0});
  };
  context.metric = [this](std::string_view series, double step, double value) {
    enqueue({Update::Kind::kMetric, QString::fromUtf8(series.data(), series.size()), step, value});
  };
  return context;
}

// Worker thread: at most one delivery is asked for at a time; later updates
// join the buffer it will drain.
void JobRunner::enqueue(Update update) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(update));
  if (delivery_requested_) return;
  delivery_requested_ = true;
  QMetaObject::invokeMethod(
      this,
      [this] {
        if (!delivery_timer_->isActive()) delivery_timer_->start(kDeliveryInterval);
      },
      Qt::QueuedConnection);
}

void JobRunner::deliver() {
  delivery_timer_->stop();
  std::vector<Update> updates;
  {
    std::lock_guard lock(mutex_);
    updates.swap(pending_);
    delivery_requested_ = false;
  }
  // Only the newest progress of a batch is worth showing.
  size_t last_progress = updates.size();
  for (size_t i = 0; i < updates.size(); ++i) {
    if (updates[i].kind == Update::Kind::kProgress) last_progress = i;
  }
  const double elapsed = static_cast<double>(clock_.elapsed()) / 1000.0;
  for (size_t i = 0; i < updates.size(); ++i) {
    const Update& u = updates[i];
    switch (u.kind) {
      case Update::Kind::kProgress:
        if (i == last_progress)
          emit progress_changed(u.x, u.text, estimate_remaining_seconds(u.x, elapsed));
        break;
      case Update::Kind::kLog:
        emit logged(u.text);
        break;
      case Update::Kind::kMetric:
        emit metric_recorded(u.text, u.x, u.value);
        break;
    }
  }
}

void JobRunner::on_thread_finished() {
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  deliver();
  Outcome outcome;
  QString error;
  {
    std::lock_guard lock(mutex_);
    outcome = outcome_;
    error = error_;
  }
  // The runner is free again before anyone hears of the end, so that a slot
  // may start the next job at once.
  switch (outcome) {
    case Outcome::kOk:
      emit finished(true);
      return;
    case Outcome::kFailed:
      emit failed(error);
      break;
    case Outcome::kCancelled:
      emit cancelled();
      break;
  }
  emit finished(false);
}

}  // namespace gui
