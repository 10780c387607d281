#pragma once
// Runs one job at a time on a worker thread and brings what it reports to the
// GUI thread: the job calls its JobContext from the worker as often as it
// likes; the calls are buffered and delivered by one queued call at a time, at
// most every `kDeliveryInterval`, so a job that reports thousands of steps a
// second cannot flood the event loop. Within one run, progress, log lines and
// metric points arrive in the order the job made them.

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "app/jobs/job_context.h"

class QThread;
class QTimer;

namespace gui {

// Seconds left when `fraction` of a job took `elapsed_seconds`, by assuming
// the rest goes at the same pace; negative while too little is done to tell.
double estimate_remaining_seconds(double fraction, double elapsed_seconds);

class JobRunner : public QObject {
  Q_OBJECT

 public:
  using Job = std::function<void(const jobs::JobContext&)>;
  static constexpr std::chrono::milliseconds kDeliveryInterval{50};

  explicit JobRunner(QObject* parent = nullptr);
  // Asks a running job to stop and waits for it.
  ~JobRunner() override;

  // Starts `job` on the worker thread; false (and nothing started) while
  // another job runs.
  bool start(const QString& name, Job job);
  bool is_running() const { return thread_ != nullptr; }
  QString job_name() const { return name_; }

 public slots:
  // Raises the job's cancel flag; the job stops at its next check.
  void cancel();

 signals:
  void started(const QString& name);
  // eta_seconds < 0: not known yet.
  void progress_changed(double fraction, const QString& message, double eta_seconds);
  void logged(const QString& line);
  void metric_recorded(const QString& series, double step, double value);
  void finished(bool ok);
  // The one line the command line prints for the job's exception.
  void failed(const QString& message);
  void cancelled();

 private:
  struct Update {
    enum class Kind { kProgress, kLog, kMetric } kind;
    QString text;  // message, line or series
    double x = 0;  // fraction or step
    double value = 0;
  };
  enum class Outcome { kOk, kFailed, kCancelled };

  jobs::JobContext make_context();
  void enqueue(Update update);
  void deliver();
  void on_thread_finished();

  QThread* thread_ = nullptr;
  QTimer* delivery_timer_;
  QString name_;
  std::atomic<bool> cancel_{false};
  QElapsedTimer clock_;

  std::mutex mutex_;  // guards what follows
  std::vector<Update> pending_;
  bool delivery_requested_ = false;
  Outcome outcome_ = Outcome::kOk;
  QString error_;
};

}  // namespace gui
