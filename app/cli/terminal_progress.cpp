#include "app/cli/terminal_progress.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace cli {

namespace {

struct ProgressState {
  std::string job;
  bool terminal = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  int last_percent = -1;
  std::string last_message;
};

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

void show(ProgressState& st, double fraction, std::string_view message) {
  const int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100.0);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - st.start).count();
  const double eta = fraction > 0.01 ? elapsed * (1.0 - fraction) / fraction : NAN;
  if (st.terminal) {
    const int width = 30, filled = percent * width / 100;
    std::fprintf(stderr, "\r%s [%s%s] %3d%% ETA %s  %-40.40s", st.job.c_str(),
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), '.').c_str(), percent,
                 format_eta(eta).c_str(), std::string(message).c_str());
    if (percent >= 100) std::fputc('\n', stderr);
    std::fflush(stderr);
    return;
  }
  // Log files get a line when the message changes or every 10 %.
  if (message != st.last_message || percent / 10 != st.last_percent / 10) {
    std::fprintf(stderr, "[%s] %3d%% %s (elapsed %.1f s)\n", st.job.c_str(), percent,
                 std::string(message).c_str(), elapsed);
    st.last_message = message;
    st.last_percent = percent;
  }
}

}  // namespace

namespace {

// The first Ctrl-C asks the job to stop cleanly (a training job saves its
// checkpoint); a second one ends the process at once.
std::atomic<bool> interrupted{false};

void on_interrupt(int) {
  if (interrupted.exchange(true)) std::_Exit(130);
}

}  // namespace

jobs::JobContext terminal_job_context(const std::string& job_name) {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);  // SLURM sends SIGTERM before killing a job
  auto state = std::make_shared<ProgressState>();
  state->job = job_name;
  state->terminal = ::isatty(STDERR_FILENO) == 1;
  jobs::JobContext context;
  context.cancel = &interrupted;
  context.progress = [state](double fraction, std::string_view message) {
    show(*state, fraction, message);
  };
  context.log = [state](std::string_view line) {
    if (state->terminal) std::fputc('\n', stderr);
    std::fprintf(stderr, "[%s] %s\n", state->job.c_str(), std::string(line).c_str());
  };
  return context;
}

}  // namespace cli
