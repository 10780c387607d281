// Jobs on a worker thread as the desktop application runs them: the GUI
// thread keeps handling events while a job works, Cancel ends it with
// cancelled(), an exception arrives as the one line the command line prints,
// and progress and metric points arrive in order, without one signal per
// update when a job reports thousands.

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "app/gui/job_panel.h"
#include "app/gui/job_runner.h"

using gui::JobRunner;

namespace {

constexpr int kWaitMs = 10000;

// Waits until the runner has reported the end of its job.
bool wait_for_end(JobRunner& runner) {
  QSignalSpy finished(&runner, &JobRunner::finished);
  return finished.wait(kWaitMs);
}

}  // namespace

TEST(JobRunner, GuiKeepsProcessingEventsAndCancelEndsTheJob) {
  JobRunner runner;
  QSignalSpy cancelled(&runner, &JobRunner::cancelled);
  QSignalSpy failed(&runner, &JobRunner::failed);
  QSignalSpy finished(&runner, &JobRunner::finished);
  ASSERT_TRUE(runner.start("waits for cancel", [](const jobs::JobContext& context) {
    for (int i = 0;; ++i) {
      context.report(0.001 * (i % 1000), "working");
      context.check_cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }));
  int ticks = 0;
  QTimer timer;
  QObject::connect(&timer, &QTimer::timeout, [&] { ++ticks; });
  timer.start(10);
  QElapsedTimer waited;
  waited.start();
  while (ticks < 5 && waited.elapsed() < kWaitMs)
    QTest::qWait(10);
  ASSERT_GE(ticks, 5);
  EXPECT_TRUE(runner.is_running());
  EXPECT_EQ(cancelled.count(), 0);

  runner.cancel();
  ASSERT_TRUE(cancelled.wait(kWaitMs));
  EXPECT_EQ(cancelled.count(), 1);
  EXPECT_EQ(failed.count(), 0);
  ASSERT_EQ(finished.count(), 1);
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_FALSE(runner.is_running());
}

TEST(JobRunner, AnExceptionArrivesAsTheCommandLinesErrorLine) {
  JobRunner runner;
  QSignalSpy failed(&runner, &JobRunner::failed);
  QSignalSpy finished(&runner, &JobRunner::finished);
  ASSERT_TRUE(runner.start("fails", [](const jobs::JobContext&) {
    throw std::runtime_error("events.tsv: line 3\nonset \"x\" is not a number");
  }));
  ASSERT_TRUE(finished.wait(kWaitMs));
  ASSERT_EQ(failed.count(), 1);
  // What `neuroseq` prints after "neuroseq: error: ".
  EXPECT_EQ(failed.at(0).at(0).toString(), "events.tsv: line 3 onset \"x\" is not a number");
  EXPECT_FALSE(finished.at(0).at(0).toBool());
}

TEST(JobRunner, ProgressAndMetricsArriveInOrderAndThrottled) {
  constexpr int kUpdates = 3000;
  JobRunner runner;
  QSignalSpy progress(&runner, &JobRunner::progress_changed);
  QSignalSpy metric(&runner, &JobRunner::metric_recorded);
  QSignalSpy logged(&runner, &JobRunner::logged);
  QSignalSpy finished(&runner, &JobRunner::finished);
  QElapsedTimer clock;
  clock.start();
  ASSERT_TRUE(runner.start("floods", [](const jobs::JobContext& context) {
    context.note("first line");
    for (int i = 1; i <= kUpdates; ++i) {
      context.report(static_cast<double>(i) / kUpdates, "step " + std::to_string(i));
      context.record("train loss", i, 1.0 / i);
      if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    context.note("last line");
  }));
  ASSERT_TRUE(finished.wait(kWaitMs));
  const double elapsed_ms = static_cast<double>(clock.elapsed());
  ASSERT_TRUE(finished.at(0).at(0).toBool());

  // Every metric point, in the order recorded.
  ASSERT_EQ(metric.count(), kUpdates);
  for (int i = 0; i < kUpdates; ++i) {
    EXPECT_EQ(metric.at(i).at(0).toString(), "train loss");
    ASSERT_EQ(metric.at(i).at(1).toDouble(), i + 1.0);
    EXPECT_DOUBLE_EQ(metric.at(i).at(2).toDouble(), 1.0 / (i + 1));
  }
  ASSERT_EQ(logged.count(), 2);
  EXPECT_EQ(logged.at(0).at(0).toString(), "first line");
  EXPECT_EQ(logged.at(1).at(0).toString(), "last line");

  // Progress: increasing, ending at the job's last report, and delivered at
  // most once per interval (plus the delivery at the end), not once per call.
  ASSERT_GE(progress.count(), 1);
  const double interval_ms = static_cast<double>(JobRunner::kDeliveryInterval.count());
  EXPECT_LE(progress.count(), elapsed_ms / interval_ms + 2);
  EXPECT_LT(progress.count(), kUpdates / 10);
  for (int i = 1; i < progress.count(); ++i)
    EXPECT_GT(progress.at(i).at(0).toDouble(), progress.at(i - 1).at(0).toDouble());
  EXPECT_DOUBLE_EQ(progress.last().at(0).toDouble(), 1.0);
  EXPECT_EQ(progress.last().at(1).toString(), QString("step %1").arg(kUpdates));
}

TEST(JobRunner, RunsOneJobAtATime) {
  JobRunner runner;
  std::atomic<bool> release{false};
  ASSERT_TRUE(runner.start("first", [&](const jobs::JobContext&) {
    while (!release)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }));
  EXPECT_FALSE(runner.start("second", [](const jobs::JobContext&) {}));
  EXPECT_EQ(runner.job_name(), "first");
  release = true;
  ASSERT_TRUE(wait_for_end(runner));
  // Free again once the first has ended.
  EXPECT_TRUE(runner.start("third", [](const jobs::JobContext&) {}));
  ASSERT_TRUE(wait_for_end(runner));
}

TEST(JobRunner, TimeLeftFollowsThePaceSoFar) {
  // A quarter done in 10 s: 30 s to go at the same pace.
  EXPECT_DOUBLE_EQ(gui::estimate_remaining_seconds(0.25, 10), 30);
  EXPECT_DOUBLE_EQ(gui::estimate_remaining_seconds(0.8, 40), 10);
  EXPECT_DOUBLE_EQ(gui::estimate_remaining_seconds(1.0, 40), 0);
  EXPECT_LT(gui::estimate_remaining_seconds(0.001, 10), 0);  // too little done to tell
  EXPECT_LT(gui::estimate_remaining_seconds(0.5, 0.1), 0);   // too soon to tell
  EXPECT_EQ(gui::format_time_left(42.4), "42 s left");
  EXPECT_EQ(gui::format_time_left(150), "3 min left");
  EXPECT_EQ(gui::format_time_left(3900), "1 h 5 min left");
  EXPECT_EQ(gui::format_time_left(-1), "");
}
