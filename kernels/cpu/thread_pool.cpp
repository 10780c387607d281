#include "kernels/cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace kernels::cpu {

namespace {

thread_local bool inside_task = false;

class ThreadPool {
 public:
  static ThreadPool& shared() {
    // Never destroyed: workers may still be parked when static destructors
    // run, and joining them there could deadlock at exit.
    static auto* pool = new ThreadPool(hardware_threads() - 1);
    return *pool;
  }

  // False when the pool is busy with another caller's work.
  bool try_run(int64_t tasks, int workers, const std::function<void(int64_t, int)>& fn) {
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard lock(mutex_);
      fn_ = &fn;
      tasks_ = tasks;
      next_.store(0);
      joined_ = 1;  // the caller is worker 0
      helpers_wanted_ = std::min<int>(workers - 1, static_cast<int>(threads_.size()));
      helpers_running_ = helpers_wanted_;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work(0);
    std::unique_lock lock(mutex_);
    // Helpers that have not woken up yet are not waited for: the tasks are
    // all taken, and they will find the job closed.
    helpers_running_ -= helpers_wanted_ - (joined_ - 1);
    helpers_wanted_ = joined_ - 1;
    done_.wait(lock, [&] { return helpers_running_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  explicit ThreadPool(int helpers) {
    for (int i = 0; i < helpers; ++i)
      threads_.emplace_back([this] { serve(); });
    for (auto& t : threads_)
      t.detach();
  }

  void serve() {
    inside_task = true;
    uint64_t seen = 0;
    for (;;) {
      int worker = 0;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        // Helpers past the number wanted sit this job out.
        if (joined_ > helpers_wanted_) continue;
        worker = joined_++;
      }
      work(worker);
      std::lock_guard lock(mutex_);
      if (--helpers_running_ == 0) done_.notify_one();
    }
  }

  void work(int worker) {
    const bool was_inside = inside_task;
    inside_task = true;
    for (int64_t i = next_++; i < tasks_; i = next_++) {
      try {
        (*fn_)(i, worker);
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
        next_.store(tasks_);
      }
    }
    inside_task = was_inside;
  }

  std::vector<std::thread> threads_;
  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  uint64_t generation_ = 0;
  const std::function<void(int64_t, int)>* fn_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  int joined_ = 0;
  int helpers_wanted_ = 0;
  int helpers_running_ = 0;
  std::exception_ptr error_;
};

}  // namespace

int hardware_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void parallel_for(int64_t tasks, int threads, const std::function<void(int64_t, int)>& fn) {
  if (tasks <= 0) return;
  const int limit = threads > 0 ? threads : hardware_threads();
  const int workers = static_cast<int>(std::min<int64_t>(limit, tasks));
  if (workers > 1 && !inside_task && ThreadPool::shared().try_run(tasks, workers, fn)) return;
  for (int64_t i = 0; i < tasks; ++i)
    fn(i, 0);
}

void parallel_ranges(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (chunk <= 0 || n <= chunk) {
    fn(0, n);
    return;
  }
  parallel_for((n + chunk - 1) / chunk, 0, [&](int64_t task, int) {
    const int64_t begin = task * chunk;
    fn(begin, std::min(n, begin + chunk));
  });
}

}  // namespace kernels::cpu
