//===- prefetch.cpp - The next batch gathered while the step runs ---------===//
//
// The flags are atomics that each side reads while spinning; a side that
// spun long enough sleeps on the condition variable, and each change of a
// flag takes the mutex before notifying, so that a waiter between its check
// and its sleep is not missed.
//
//===----------------------------------------------------------------------===//
#include "nnrt/prefetch.h"

#include <chrono>

namespace nnrt {
namespace {

/// Longer than a training step of a small model: past it, a waiter sleeps.
constexpr auto kSpin = std::chrono::milliseconds(2);

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

} // namespace

PrefetchingLoader::PrefetchingLoader(DataLoader &loader, bool overlap)
    : loader_(loader), overlap_(overlap) {}

PrefetchingLoader::~PrefetchingLoader() { stop(); }

template <typename Ready> void PrefetchingLoader::await(Ready ready) {
  auto until = std::chrono::steady_clock::now() + kSpin;
  for (int spin = 0; !ready(); ++spin) {
    if (spin % 256 == 0 && std::chrono::steady_clock::now() > until) {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, ready);
      return;
    }
    pause();
  }
}

void PrefetchingLoader::wake() {
  { std::lock_guard<std::mutex> lock(mutex_); }
  changed_.notify_all();
}

void PrefetchingLoader::stop() {
  if (!worker_.joinable())
    return;
  stop_ = true;
  wake();
  worker_.join();
}

void PrefetchingLoader::startEpoch(uint64_t epoch) {
  stop();
  loader_.startEpoch(epoch);
  if (!overlap_)
    return;
  full_ = false;
  more_ = true;
  stop_ = false;
  worker_ = std::thread([this] { gather(); });
}

// Fills ahead_ whenever it is empty, until the epoch ends or the loader is
// stopped.
void PrefetchingLoader::gather() {
  for (;;) {
    await([&] { return stop_.load() || !full_.load(); });
    if (stop_)
      return;
    bool more = loader_.next(ahead_);
    more_ = more;
    full_ = true;
    wake();
    if (!more)
      return;
  }
}

bool PrefetchingLoader::next(Batch &batch) {
  if (!overlap_)
    return loader_.next(batch);
  await([&] { return full_.load(); });
  if (!more_)
    return false;
  std::swap(batch, ahead_);
  full_ = false;
  wake();
  return true;
}

} // namespace nnrt
