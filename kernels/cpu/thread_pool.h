#pragma once
// The worker threads of the CPU kernels: one pool per process, started on
// first use with one thread fewer than the machine has (the caller is the
// other), so that GEMM, the long convolution and the large elementwise ops
// share the cores instead of each bringing threads of its own. (OpenBLAS's
// own threads are switched off for that reason, kernels/cpu/linalg.cpp: its
// idle workers spin, and on a 2-core node they took a third of a small
// encoder's training step away from the other kernels.)
//
// Determinism is the callers' part: they cut work into tasks whose results do
// not depend on which thread runs them or how many threads there are.

#include <cstdint>
#include <functional>

namespace kernels::cpu {

// std::thread::hardware_concurrency(), at least 1.
int hardware_threads();

// Runs fn(task, worker) for every task in [0, tasks) on up to `threads`
// threads (0: hardware_threads()), the caller being worker 0; worker ids are
// below that bound, for per-worker scratch. Tasks are handed out one at a
// time. Runs everything on the caller when there is one task or one thread,
// when called from inside a task, and while another thread is using the pool.
// The first exception a task throws is rethrown here once all tasks have
// stopped.
void parallel_for(int64_t tasks, int threads, const std::function<void(int64_t, int)>& fn);

// Elements per task of the elementwise kernels: 64 KiB of floats, enough to
// outweigh handing the task to another thread.
constexpr int64_t kElementsPerTask = 16384;

// fn(begin, end) over [0, n) cut into pieces of `chunk` (the last shorter),
// spread over the pool; fn(0, n) on the caller when n <= chunk.
void parallel_ranges(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace kernels::cpu
