#pragma once
// What every use case receives besides its configuration: a way to report
// progress, numbers worth plotting while it runs, and a flag that asks it to
// stop. The CLI prints the progress; the GUI runs the same job on a worker
// thread and binds all of them to widgets.

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jobs {

// Thrown by a job that saw the cancel flag; outputs written so far are whole.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

struct JobContext {
  // fraction in [0, 1]; message says what is being done.
  std::function<void(double fraction, std::string_view message)> progress;
  // Free-form log lines (warnings, summaries).
  std::function<void(std::string_view line)> log;
  // Points of named series for live charts ("train loss", "validation loss"),
  // step the x value; called on the job's thread as often as every step.
  std::function<void(std::string_view series, double step, double value)> metric;
  const std::atomic<bool>* cancel = nullptr;

  void report(double fraction, std::string_view message) const {
    if (progress) progress(fraction, message);
  }
  void note(std::string_view line) const {
    if (log) log(line);
  }
  void record(std::string_view series, double step, double value) const {
    if (metric) metric(series, step, value);
  }
  void check_cancel() const {
    if (cancel && cancel->load()) throw Cancelled();
  }
  // The same context with progress mapped into [from, to] of this one's, for
  // a step of a larger job.
  JobContext slice(double from, double to) const {
    JobContext part = *this;
    part.progress = [outer = *this, from, to](double fraction, std::string_view message) {
      outer.report(from + (to - from) * fraction, message);
    };
    return part;
  }
};

}  // namespace jobs
