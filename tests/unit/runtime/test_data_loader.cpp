//===- test_data_loader.cpp - Shuffles, batches, splits, preprocessing ----===//
//
// The shuffle is a permutation fixed by (seed, epoch) and pinned to values
// computed by an independent Python implementation of the documented
// algorithm; batches cover every sample once per epoch, with the partial
// last batch kept or dropped; the validation split is disjoint, sized by
// the fraction and fixed by the seed; preprocessing refuses what does not
// fit.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/prefetch.h"
#include "test_util.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

using namespace nnrt;
using namespace nnrt::testing;

namespace {

// n samples of 3 elements: sample i is (i, i + 0.5, -i), label i % 7.
Dataset rampDataset(int64_t n) {
  Dataset data;
  data.source = "ramp";
  data.sampleShape = {3};
  for (int64_t i = 0; i < n; ++i) {
    data.inputs.insert(data.inputs.end(),
                       {float(i), float(i) + 0.5f, -float(i)});
    data.labels.push_back(i % 7);
  }
  return data;
}

bool isPermutation(std::vector<int64_t> order) {
  std::sort(order.begin(), order.end());
  for (size_t i = 0; i < order.size(); ++i)
    if (order[i] != int64_t(i))
      return false;
  return true;
}

} // namespace

TEST_CASE("shuffledOrder is a permutation fixed by seed and epoch") {
  for (int64_t n : {0, 1, 2, 10, 1000}) {
    CAPTURE(n);
    std::vector<int64_t> order = shuffledOrder(n, 42, 3);
    CHECK(int64_t(order.size()) == n);
    CHECK(isPermutation(order));
    CHECK(order == shuffledOrder(n, 42, 3));
  }
  std::vector<int64_t> e0 = shuffledOrder(1000, 42, 0);
  CHECK(e0 != shuffledOrder(1000, 42, 1));
  CHECK(e0 != shuffledOrder(1000, 43, 0));
  CHECK(e0 != shuffledOrder(1000, 42, 0, "validation"));
  std::vector<int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), int64_t(0));
  CHECK(e0 != identity);
}

TEST_CASE("shuffledOrder matches an independent implementation") {
  // From a Python Philox4x32-10 + Fisher-Yates written from docs/data.md.
  CHECK(shuffledOrder(10, 1, 0) ==
        std::vector<int64_t>{1, 0, 8, 6, 9, 2, 5, 4, 3, 7});
  CHECK(shuffledOrder(10, 1, 1) ==
        std::vector<int64_t>{1, 9, 8, 3, 2, 4, 6, 5, 7, 0});
}

TEST_CASE("batches cover every sample once per epoch") {
  Dataset data = rampDataset(10);
  DataLoader loader(data, {.batchSize = 4, .seed = 7});
  CHECK(loader.batchesPerEpoch() == 3);
  std::vector<std::vector<int64_t>> epochs;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    loader.startEpoch(epoch);
    std::vector<int64_t> seen, sizes;
    Batch batch;
    while (loader.next(batch)) {
      sizes.push_back(batch.size);
      CHECK(batch.inputShape == std::vector<int64_t>{batch.size, 3});
      REQUIRE(batch.inputs.size() == size_t(batch.size) * 3);
      REQUIRE(batch.labels.size() == size_t(batch.size));
      for (int64_t k = 0; k < batch.size; ++k) {
        int64_t i = batch.indices[size_t(k)];
        CHECK(batch.inputs[size_t(k) * 3] == float(i));
        CHECK(batch.inputs[size_t(k) * 3 + 2] == -float(i));
        CHECK(batch.labels[size_t(k)] == i % 7);
        seen.push_back(i);
      }
    }
    CHECK(sizes == std::vector<int64_t>{4, 4, 2});
    CHECK(isPermutation(seen));
    CHECK(seen == shuffledOrder(10, 7, epoch));
    epochs.push_back(seen);
  }
  CHECK(epochs[0] != epochs[1]);
  CHECK(epochs[1] != epochs[2]);
}

TEST_CASE("batches gathered ahead on a thread are the loader's, in its order") {
  Dataset data = rampDataset(37);
  for (bool overlap : {false, true}) {
    CAPTURE(overlap);
    DataLoader plain(data, {.batchSize = 8, .seed = 5});
    DataLoader loader(data, {.batchSize = 8, .seed = 5});
    PrefetchingLoader ahead(loader, overlap);
    for (uint64_t epoch = 0; epoch < 3; ++epoch) {
      plain.startEpoch(epoch);
      ahead.startEpoch(epoch);
      Batch want, got;
      int64_t batches = 0;
      while (plain.next(want)) {
        REQUIRE(ahead.next(got));
        CHECK(got.indices == want.indices);
        CHECK(got.inputShape == want.inputShape);
        CHECK(got.inputs == want.inputs);
        CHECK(got.labels == want.labels);
        ++batches;
      }
      CHECK(batches == 5);
      CHECK_FALSE(ahead.next(got));
      CHECK_FALSE(ahead.next(got)); // the end stays the end
    }
    // Abandoned in the middle of an epoch (a step failed): no hang.
    ahead.startEpoch(9);
    Batch one;
    CHECK(ahead.next(one));
  }
}

TEST_CASE("dropLast and unshuffled order") {
  Dataset data = rampDataset(10);
  DataLoader loader(data, {.batchSize = 4, .shuffle = false, .dropLast = true});
  CHECK(loader.batchesPerEpoch() == 2);
  std::vector<int64_t> seen;
  Batch batch;
  while (loader.next(batch)) {
    CHECK(batch.size == 4);
    seen.insert(seen.end(), batch.indices.begin(), batch.indices.end());
  }
  CHECK(seen == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(
      DataLoader(data, {.batchSize = 5, .dropLast = true}).batchesPerEpoch() ==
      2);
  CHECK(DataLoader(data, {.batchSize = 64}).batchesPerEpoch() == 1);
  NNRT_CHECK_ERROR(DataLoader(data, {.batchSize = 0}),
                   "batch size must be at least 1, got 0");
}

TEST_CASE("batches of value targets keep their shape") {
  Dataset data;
  data.source = "values";
  data.sampleShape = {1};
  data.targetKind = TargetKind::Values;
  data.targetShape = {2};
  for (int i = 0; i < 5; ++i) {
    data.inputs.push_back(float(i));
    data.targets.insert(data.targets.end(), {float(i), float(10 * i)});
  }
  DataLoader loader(data, {.batchSize = 3, .seed = 1});
  Batch batch;
  REQUIRE(loader.next(batch));
  CHECK(batch.targetShape == std::vector<int64_t>{3, 2});
  CHECK(batch.labels.empty());
  for (int64_t k = 0; k < 3; ++k) {
    float i = float(batch.indices[size_t(k)]);
    CHECK(batch.inputs[size_t(k)] == i);
    CHECK(batch.targets[size_t(k) * 2 + 1] == 10 * i);
  }
  REQUIRE(loader.next(batch));
  CHECK(batch.targetShape == std::vector<int64_t>{2, 2});
  CHECK_FALSE(loader.next(batch));
}

TEST_CASE("the validation split is disjoint, sized and seeded") {
  Dataset data = rampDataset(100);
  auto [train, validation] = splitValidation(data, 0.1, 5);
  CHECK(train.size() == 90);
  CHECK(validation.size() == 10);
  std::set<float> firsts;
  for (const Dataset *part : {&train, &validation})
    for (int64_t i = 0; i < part->size(); ++i) {
      float x = part->inputs[size_t(i) * 3];
      CHECK(part->labels[size_t(i)] == int64_t(x) % 7);
      firsts.insert(x);
    }
  CHECK(firsts.size() == 100);
  auto [train2, validation2] = splitValidation(data, 0.1, 5);
  CHECK(validation2.inputs == validation.inputs);
  auto [train3, validation3] = splitValidation(data, 0.1, 6);
  CHECK(validation3.inputs != validation.inputs);
  CHECK(splitValidation(data, 0.0, 5).second.size() == 0);
  CHECK(splitValidation(data, 0.333, 5).second.size() == 33);
  NNRT_CHECK_ERROR(splitValidation(data, 1.0, 5),
                   "ramp: validation fraction 1.000000 is not in [0, 1)");
}

TEST_CASE("preprocessing: labels, reshape, normalisation") {
  Dataset data = rampDataset(8);
  checkLabels(data, 7);
  NNRT_CHECK_ERROR(checkLabels(data, 6),
                   "ramp: label 6 of sample 6 is out of range for 6 classes "
                   "(0..5)");
  reshapeSamples(data, {3, 1});
  CHECK(data.sampleShape == std::vector<int64_t>{3, 1});
  NNRT_CHECK_ERROR(reshapeSamples(data, {1, 28, 28}),
                   "ramp: samples of shape [3, 1] (3 elements) do not fit "
                   "the model's input [1, 28, 28] (784 elements)");

  Normalization perFeature = computeNormalization(data, true);
  REQUIRE(perFeature.mean.size() == 3);
  CHECK(perFeature.mean[0] == doctest::Approx(3.5));
  CHECK(perFeature.mean[1] == doctest::Approx(4.0));
  CHECK(perFeature.std[0] == doctest::Approx(std::sqrt(5.25)));
  applyNormalization(data, perFeature);
  Normalization after = computeNormalization(data, true);
  for (size_t f = 0; f < 3; ++f) {
    CHECK(after.mean[f] == doctest::Approx(0.0).epsilon(1e-6));
    CHECK(after.std[f] == doctest::Approx(1.0).epsilon(1e-6));
  }
  NNRT_CHECK_ERROR(applyNormalization(data, {{0, 0}, {1, 1}}),
                   "ramp: a normalisation of 2 values does not fit samples "
                   "of 3 elements");
  NNRT_CHECK_ERROR(applyNormalization(data, {{0}, {0}}),
                   "normalisation std must be positive");

  Dataset constant = rampDataset(4);
  std::fill(constant.inputs.begin(), constant.inputs.end(), 2.0f);
  CHECK(computeNormalization(constant, false).std[0] == 1.0f);
}
