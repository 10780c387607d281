// The CPU kernels' shared thread pool: every task runs once, worker ids stay
// below the bound asked for, exceptions come back to the caller, and nested
// or concurrent use neither deadlocks nor loses tasks.

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kernels/cpu/thread_pool.h"

namespace {

using kernels::cpu::parallel_for;
using kernels::cpu::parallel_ranges;

TEST(ThreadPool, RunsEveryTaskOnceWithWorkerIdsBelowTheBound) {
  for (int threads : {0, 1, 2, 3, 16}) {
    for (int64_t tasks : {1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> runs(static_cast<size_t>(tasks));
      std::atomic<int> bad_worker{0};
      const int bound = threads > 0 ? threads : kernels::cpu::hardware_threads();
      parallel_for(tasks, threads, [&](int64_t task, int worker) {
        runs[static_cast<size_t>(task)]++;
        if (worker < 0 || worker >= bound) bad_worker++;
      });
      for (const auto& r : runs)
        ASSERT_EQ(r.load(), 1) << threads << " threads, " << tasks << " tasks";
      EXPECT_EQ(bad_worker.load(), 0);
    }
  }
}

TEST(ThreadPool, RethrowsTheFirstExceptionAndStaysUsable) {
  EXPECT_THROW(parallel_for(100, 0,
                            [](int64_t task, int) {
                              if (task == 37) throw std::runtime_error("task 37");
                            }),
               std::runtime_error);
  std::atomic<int64_t> sum{0};
  parallel_for(100, 0, [&](int64_t task, int) { sum += task; });
  EXPECT_EQ(sum.load(), 99 * 100 / 2);
}

TEST(ThreadPool, NestedCallsRunInsideTheOuterTask) {
  std::atomic<int64_t> inner{0};
  parallel_for(8, 0, [&](int64_t, int) { parallel_for(10, 0, [&](int64_t, int) { inner++; }); });
  EXPECT_EQ(inner.load(), 80);
}

TEST(ThreadPool, CallersOnSeveralThreadsAllFinish) {
  std::vector<std::atomic<int64_t>> sums(4);
  std::vector<std::thread> callers;
  for (size_t c = 0; c < sums.size(); ++c) {
    callers.emplace_back([&, c] {
      for (int repeat = 0; repeat < 50; ++repeat)
        parallel_for(64, 0, [&](int64_t task, int) { sums[c] += task; });
    });
  }
  for (auto& t : callers)
    t.join();
  for (const auto& s : sums)
    EXPECT_EQ(s.load(), 50 * (63 * 64 / 2));
}

TEST(ThreadPool, RangesCoverEveryElementOnceInFixedPieces) {
  for (int64_t n : {0, 1, 5, 16, 17, 1000}) {
    std::vector<std::atomic<int>> seen(static_cast<size_t>(n));
    std::atomic<int> misaligned{0};
    parallel_ranges(n, 4, [&](int64_t begin, int64_t end) {
      if (begin % 4 != 0 || (end != n && end - begin != 4)) misaligned++;
      for (int64_t i = begin; i < end; ++i)
        seen[static_cast<size_t>(i)]++;
    });
    for (const auto& s : seen)
      ASSERT_EQ(s.load(), 1) << "n = " << n;
    EXPECT_EQ(misaligned.load(), 0) << "n = " << n;
  }
}

}  // namespace
