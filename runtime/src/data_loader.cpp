//===- data_loader.cpp - Seeded shuffles and batches ----------------------===//
//
// The shuffle is Fisher-Yates (Knuth's Algorithm P) with its random draws
// taken from the counter-based Philox stream of rng.h: draw i is a pure
// function of (seed, stream, epoch, i), so an epoch's order never depends on
// how many numbers were drawn before it, and resuming at epoch e reproduces
// exactly the order an uninterrupted run would have used.
//
//   for i = n-1 down to 1:
//     r = word0 | word1 << 32 of TensorRng(seed, stream + "/" + epoch).block(i)
//     j = floor(r * (i + 1) / 2^64)          // Lemire's multiply-shift
//     swap(order[i], order[j])
//
// The multiply-shift has a bias below (i + 1) / 2^64, far under anything a
// training run can observe, and needs no rejection loop.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/error.h"
#include "nnrt/rng.h"

#include <cstring>
#include <numeric>

namespace nnrt {

std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed, uint64_t epoch,
                                   const std::string &stream) {
  std::vector<int64_t> order(size_t(std::max<int64_t>(n, 0)));
  std::iota(order.begin(), order.end(), int64_t(0));
  TensorRng rng(seed, stream + "/" + std::to_string(epoch));
  for (int64_t i = n - 1; i > 0; --i) {
    PhiloxBlock block = rng.block(uint64_t(i));
    uint64_t r = uint64_t(block[0]) | uint64_t(block[1]) << 32;
    auto j = int64_t((unsigned __int128)r * uint64_t(i + 1) >> 64);
    std::swap(order[size_t(i)], order[size_t(j)]);
  }
  return order;
}

DataLoader::DataLoader(const Dataset &data, BatchOptions options)
    : data_(data), options_(options) {
  if (options_.batchSize < 1)
    throw Error("batch size must be at least 1, got " +
                std::to_string(options_.batchSize));
  startEpoch(0);
}

int64_t DataLoader::batchesPerEpoch() const {
  // Not (n + b - 1) / b: --batch may be as large as int64 allows.
  int64_t n = data_.size(), b = options_.batchSize;
  return n / b + (!options_.dropLast && n % b != 0 ? 1 : 0);
}

void DataLoader::startEpoch(uint64_t epoch) {
  int64_t n = data_.size();
  if (options_.shuffle) {
    order_ = shuffledOrder(n, options_.seed, epoch);
  } else {
    order_.resize(size_t(n));
    std::iota(order_.begin(), order_.end(), int64_t(0));
  }
  position_ = 0;
}

bool DataLoader::next(Batch &batch) {
  int64_t n = int64_t(order_.size());
  int64_t size = std::min(options_.batchSize, n - position_);
  if (size <= 0 || (options_.dropLast && size < options_.batchSize))
    return false;
  size_t in = size_t(data_.sampleNumel()), tn = size_t(data_.targetNumel());
  batch.size = size;
  batch.indices.assign(order_.begin() + position_,
                       order_.begin() + position_ + size);
  position_ += size;
  batch.inputShape = {size};
  batch.inputShape.insert(batch.inputShape.end(), data_.sampleShape.begin(),
                          data_.sampleShape.end());
  batch.inputs.resize(size_t(size) * in);
  batch.labels.clear();
  batch.targets.clear();
  batch.targetShape.clear();
  bool classes = data_.targetKind == TargetKind::ClassIndex;
  if (!classes) {
    batch.targetShape = {size};
    batch.targetShape.insert(batch.targetShape.end(), data_.targetShape.begin(),
                             data_.targetShape.end());
    batch.targets.resize(size_t(size) * tn);
  }
  for (size_t k = 0; k < size_t(size); ++k) {
    size_t i = size_t(batch.indices[k]);
    if (in > 0)
      std::memcpy(&batch.inputs[k * in], &data_.inputs[i * in],
                  in * sizeof(float));
    if (classes)
      batch.labels.push_back(data_.labels[i]);
    else if (tn > 0)
      std::memcpy(&batch.targets[k * tn], &data_.targets[i * tn],
                  tn * sizeof(float));
  }
  return true;
}

} // namespace nnrt
