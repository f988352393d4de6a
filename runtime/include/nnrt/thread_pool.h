//===- thread_pool.h - The threads a model's compiled code runs on --------===//
//
// The compiled code asks for parallel work through nnc_context::parallel_for
// (nnrt_model.h): one fork and join per matrix product, a few tasks each,
// many times a second. So the workers spin for a short while after a job
// before they sleep, and the calling thread takes tasks too. Task i runs on
// participant i mod threads (the caller is participant 0, worker w is
// w + 1), always the same one: a thread that reads the same part of the
// weights in every call finds it in its own cache. The compiled code's
// results do not depend on which thread runs which task.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_THREAD_POOL_H
#define NNRT_THREAD_POOL_H

#include "nnrt_model.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace nnrt {

/// The CPUs this process may run on (its affinity mask), at least 1.
int availableCpus();

class ThreadPool {
public:
  /// `threads` in all, the caller's included: starts threads - 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  /// Runs task(data, i) for i in [0, count) and returns when all have
  /// returned. One job at a time: calls from several threads at once are
  /// serialised.
  void run(int64_t count, nnc_task_fn task, void *data);

  /// nnc_context::parallel_for, with `pool` a ThreadPool.
  static void parallelFor(void *pool, int64_t count, nnc_task_fn task, void *data);

private:
  void work(int participant);
  /// Runs the tasks of `participant`.
  void runShare(int participant, int64_t count, nnc_task_fn task, void *data);
  /// Blocks until a job newer than `seen` is posted or the pool stops.
  void sleep(uint64_t seen);

  std::vector<std::thread> workers_;
  /// Spins before a worker sleeps: none when there are more threads than
  /// CPUs, where a spinning worker would take the CPU of one with work.
  int spins_ = 0;
  // Each group on its own cache line: workers spin on the job's line and
  // count finished tasks on another, and neither may slow the caller's lock.
  alignas(64) std::mutex callers_; ///< one job at a time
  /// The job's fields are a sequence lock: odd while a job is being posted,
  /// then the next even number. A worker reads the fields between two equal
  /// even values, so it never mixes two jobs' fields, and posting takes no
  /// lock a worker holds.
  alignas(64) std::atomic<uint64_t> sequence_{0};
  std::atomic<nnc_task_fn> task_{nullptr};
  std::atomic<void *> data_{nullptr};
  std::atomic<int64_t> count_{0};
  alignas(64) std::atomic<int64_t> finished_{0}; ///< tasks of the current job that have returned
  alignas(64) std::mutex sleepMutex_; ///< with wake_, for workers that stopped spinning
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
};

} // namespace nnrt

#endif // NNRT_THREAD_POOL_H
