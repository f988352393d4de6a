//===- thread_pool.cpp - The threads a model's compiled code runs on ------===//
//
// A worker joins a job by copying its fields under the mutex and counting
// itself in busy_; the next job is posted only when busy_ is zero, so a
// worker that woke late for a job finished without it (it had no task in
// it) never runs the old job's function on the next one's data.
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
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
  bool notify = false;
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (busy_.load(std::memory_order_acquire) == 0) {
      task_ = task;
      data_ = data;
      count_ = count;
      finished_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      notify = sleepers_ > 0;
      break;
    }
    lock.unlock();
    pause();
  }
  if (notify)
    wake_.notify_all();
  runShare(0, count, task, data);
  while (finished_.load(std::memory_order_acquire) < count)
    pause();
}

void ThreadPool::parallelFor(void *pool, int64_t count, nnc_task_fn task, void *data) {
  static_cast<ThreadPool *>(pool)->run(count, task, data);
}

void ThreadPool::work(int participant) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < spins_ && generation_.load(std::memory_order_acquire) == seen; ++i)
      pause();
    std::unique_lock<std::mutex> lock(mutex_);
    if (generation_.load(std::memory_order_acquire) == seen && !stop_) {
      ++sleepers_;
      wake_.wait(lock, [&] {
        return stop_ || generation_.load(std::memory_order_acquire) != seen;
      });
      --sleepers_;
    }
    if (stop_)
      return;
    seen = generation_.load(std::memory_order_acquire);
    nnc_task_fn task = task_;
    void *data = data_;
    int64_t count = count_;
    busy_.fetch_add(1, std::memory_order_acq_rel);
    lock.unlock();
    runShare(participant, count, task, data);
    busy_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

} // namespace nnrt
