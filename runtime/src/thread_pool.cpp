//===- thread_pool.cpp - The threads a model's compiled code runs on ------===//
//
// Posting a job writes its fields under a sequence lock and takes no lock a
// worker holds, so a fork costs a few cache-line transfers. The next job is
// posted only once every task of the current one has returned, so a worker
// that reads a job's fields after a newer job replaced them had no task in
// the older one, and taking the newer one loses nothing.
//
//===----------------------------------------------------------------------===//
#include "nnrt/thread_pool.h"

#include <sched.h>

namespace nnrt {
namespace {

/// Spins before a worker sleeps: about 50 microseconds, longer than the
/// gap between two matrix products of a training step.
constexpr int kSpins = 20000;

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

} // namespace

int availableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0)
      return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

ThreadPool::ThreadPool(int threads) : spins_(threads <= availableCpus() ? kSpins : 0) {
  for (int i = 1; i < threads; ++i)
    workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true);
  {
    std::lock_guard<std::mutex> lock(sleepMutex_);
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void ThreadPool::runShare(int participant, int64_t count, nnc_task_fn task, void *data) {
  for (int64_t i = participant; i < count; i += threads()) {
    task(data, i);
    finished_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::run(int64_t count, nnc_task_fn task, void *data) {
  if (workers_.empty() || count <= 1) {
    for (int64_t i = 0; i < count; ++i)
      task(data, i);
    return;
  }
  std::lock_guard<std::mutex> caller(callers_);
  uint64_t sequence = sequence_.load(std::memory_order_relaxed);
  sequence_.store(sequence + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  task_.store(task, std::memory_order_relaxed);
  data_.store(data, std::memory_order_relaxed);
  count_.store(count, std::memory_order_relaxed);
  finished_.store(0, std::memory_order_relaxed);
  // Sequentially consistent with the sleepers' count (sleep()): either a
  // worker about to sleep sees this job, or this sees the worker and wakes it.
  sequence_.store(sequence + 2);
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(sleepMutex_); }
    wake_.notify_all();
  }
  runShare(0, count, task, data);
  while (finished_.load(std::memory_order_acquire) < count)
    pause();
}

void ThreadPool::parallelFor(void *pool, int64_t count, nnc_task_fn task, void *data) {
  static_cast<ThreadPool *>(pool)->run(count, task, data);
}

void ThreadPool::sleep(uint64_t seen) {
  std::unique_lock<std::mutex> lock(sleepMutex_);
  sleepers_.fetch_add(1);
  wake_.wait(lock, [&] {
    uint64_t now = sequence_.load();
    return stop_.load() || (now != seen && now % 2 == 0);
  });
  sleepers_.fetch_sub(1);
}

void ThreadPool::work(int participant) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t sequence = 0;
    for (int spin = 0;; ++spin) {
      if (stop_.load(std::memory_order_relaxed))
        return;
      sequence = sequence_.load(std::memory_order_acquire);
      if (sequence != seen && sequence % 2 == 0)
        break;
      if (spin >= spins_) {
        sleep(seen);
        spin = 0;
      } else {
        pause();
      }
    }
    nnc_task_fn task = task_.load(std::memory_order_relaxed);
    void *data = data_.load(std::memory_order_relaxed);
    int64_t count = count_.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) != sequence)
      continue; // replaced while read: this worker had no task in it
    seen = sequence;
    runShare(participant, count, task, data);
  }
}

} // namespace nnrt
