//===- prefetch.h - The next batch gathered while the step runs -----------===//
//
// Gathering a shuffled batch (one copy per sample) took about 4% of a
// Fashion-MNIST epoch on one thread. Where a CPU is left over by the model's
// threads, a thread of its own gathers the next batch while the caller trains
// on the current one; the batches, their order and so the results are the
// same as from the DataLoader alone. Two batches' storage circulates between
// the two threads, so no batch allocates once both have been filled.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_PREFETCH_H
#define NNRT_PREFETCH_H

#include "nnrt/data.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace nnrt {

class PrefetchingLoader {
public:
  /// Batches of `loader`, gathered ahead on a thread of its own when
  /// `overlap`, else on the caller's when asked for.
  PrefetchingLoader(DataLoader &loader, bool overlap);
  ~PrefetchingLoader();
  PrefetchingLoader(const PrefetchingLoader &) = delete;
  PrefetchingLoader &operator=(const PrefetchingLoader &) = delete;

  /// Starts epoch `epoch` (DataLoader::startEpoch), and gathering its first
  /// batch.
  void startEpoch(uint64_t epoch);
  /// The next batch of the epoch in `batch` (whose storage is reused); false
  /// at the end.
  bool next(Batch &batch);

private:
  void gather();
  void stop();

  /// Waits until `ready()`: spinning first (a step is shorter than the
  /// spin, so in a steady epoch neither thread sleeps or makes a system
  /// call), then on the condition variable.
  template <typename Ready> void await(Ready ready);
  /// Publishes a change of the flags to a waiter that may be asleep.
  void wake();

  DataLoader &loader_;
  bool overlap_;
  std::thread worker_;
  std::mutex mutex_; ///< with changed_, for a waiter that stopped spinning
  std::condition_variable changed_;
  Batch ahead_;                   ///< the gathered batch, while `full_`
  std::atomic<bool> full_{false}; ///< ahead_ holds the next batch (or the end, !more_)
  std::atomic<bool> more_{true};  ///< the epoch had another batch
  std::atomic<bool> stop_{false};
};

} // namespace nnrt

#endif // NNRT_PREFETCH_H
