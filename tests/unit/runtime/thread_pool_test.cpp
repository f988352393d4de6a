//===- thread_pool_test.cpp - nnc_context::parallel_for's pool ------------===//
//
// Every task of a job runs exactly once and the call returns only after all
// have; jobs follow each other without a task of one running with another's
// function (the workers that woke late); callers on several threads are
// served one job at a time; a pool of one runs everything on the caller.
//
//===----------------------------------------------------------------------===//
#include "nnrt/thread_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace nnrt;

namespace {

struct Job {
  std::vector<std::atomic<int>> runs;
  explicit Job(size_t n) : runs(n) {}
};

void countRun(void *data, int64_t i) {
  auto *job = static_cast<Job *>(data);
  job->runs[static_cast<size_t>(i)].fetch_add(1);
}

} // namespace

TEST_CASE("thread pool: each task once, many jobs in a row") {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    CHECK(pool.threads() == threads);
    for (int round = 0; round < 2000; ++round) {
      size_t n = static_cast<size_t>(round % 7); // 0 tasks too
      Job job(n);
      ThreadPool::parallelFor(&pool, static_cast<int64_t>(n), countRun, &job);
      for (size_t i = 0; i < n; ++i)
        REQUIRE(job.runs[i].load() == 1);
    }
  }
}

TEST_CASE("thread pool: callers on several threads are served one job at a time") {
  ThreadPool pool(3);
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c)
    callers.emplace_back([&] {
      for (int round = 0; round < 300; ++round) {
        Job job(5);
        pool.run(5, countRun, &job);
        for (auto &r : job.runs)
          if (r.load() != 1)
            failures.fetch_add(1);
      }
    });
  for (std::thread &t : callers)
    t.join();
  CHECK(failures.load() == 0);
}

TEST_CASE("thread pool: the available CPUs are counted") {
  CHECK(availableCpus() >= 1);
}
