//===- step_allocations_test.cpp - A training step allocates nothing ------===//
//
// Once a first batch of a shape has been prepared, taking the next batch
// from the loader (gather, targets) and running a training step on it
// allocate no memory, and nor does a forward pass into the outputs of the
// previous one: this executable replaces the global operator new to count.
// Its own executable, so that the counting touches no other test.
//
//===----------------------------------------------------------------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "nnrt/trainer.h"
#include "test_util.h"
#include "train_test_util.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<int64_t> allocations{0};
} // namespace

void *operator new(std::size_t bytes) {
  if (counting.load(std::memory_order_relaxed))
    allocations.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(bytes ? bytes : 1))
    return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }

using namespace nnrt;
using namespace nnrt::testing;

TEST_CASE("a training step on a batch of a prepared shape allocates nothing") {
  for (bool classes : {false, true}) {
    CAPTURE(classes);
    FakeCode fake = classFakeCode();
    Model model(classes ? fake.code : linkedModelCode(), 1);
    model.params().initAll(2);
    Trainer trainer(model, model.manifest().training->optimizer);
    Dataset data = linearDataset(64, classes);
    DataLoader loader(data, {.batchSize = 8, .seed = 3});
    loader.startEpoch(0);
    Batch batch;
    REQUIRE(loader.next(batch));
    trainer.step(batch); // the first batch of this shape prepares
    int64_t steps = 0;
    allocations = 0;
    counting = true;
    while (loader.next(batch)) {
      trainer.step(batch);
      ++steps;
    }
    counting = false;
    CHECK(steps == 7);
    CHECK(allocations.load() == 0);
    CHECK(trainer.steps() == 8);
  }
}

TEST_CASE("a forward pass into reused outputs allocates nothing") {
  Model model(linkedModelCode(), 1);
  model.params().initAll(2);
  std::vector<float> x(4 * 3, 0.5f);
  std::vector<InputRef> inputs = {{x.data(), {4, 3}}};
  std::vector<Tensor> outputs;
  model.forward(inputs, outputs);
  std::vector<Tensor> fresh = model.forward(inputs);
  REQUIRE(fresh.size() == outputs.size());
  CHECK(fresh[0].shape == outputs[0].shape);
  CHECK(fresh[0].data == outputs[0].data);
  allocations = 0;
  counting = true;
  for (int i = 0; i < 5; ++i)
    model.forward(inputs, outputs);
  counting = false;
  CHECK(allocations.load() == 0);
  CHECK(outputs[0].data == fresh[0].data);
  // Another batch size: prepared anew, the right shape.
  std::vector<float> y(2 * 3, 0.25f);
  std::vector<InputRef> two = {{y.data(), {2, 3}}};
  model.forward(two, outputs);
  CHECK(outputs[0].shape == model.forward(two)[0].shape);
  CHECK(outputs[0].shape[0] == 2);
}
