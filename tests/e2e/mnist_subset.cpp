//===- mnist_subset.cpp - A small .npy pair from an MNIST-style folder ----===//
//
// Usage: mnist_subset DIR N X.npy LABELS.npy
// Writes the first N samples of DIR's test split (t10k-*) as X.npy, float32
// [N, 1, 28, 28] with the pixels scaled to [0, 1] exactly as `train` reads
// them (the runtime's own loader does the reading), and LABELS.npy, int64
// [N]. Raw pixels are far from mean 0 and std 1, so a checkpoint's
// normalisation changes what a model sees: the data predict_preprocess.sh
// needs. Exits 2 on any problem.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"
#include "nnrt/npy.h"

#include <cstdio>
#include <string>

namespace {

// encodeNpyF32's header fits an int64 array of the same shape once its
// descr is swapped: '<f4' and '<i8' have the same length, and the header
// does not record the data's size.
std::string encodeNpyI64(const std::vector<int64_t> &values) {
  std::vector<float> zeros(values.size());
  int64_t n = int64_t(values.size());
  std::string bytes = nnrt::encodeNpyF32({n}, zeros.data());
  bytes.resize(bytes.size() - zeros.size() * sizeof(float));
  bytes.replace(bytes.find("'<f4'"), 5, "'<i8'");
  bytes.append(reinterpret_cast<const char *>(values.data()),
               values.size() * sizeof(int64_t));
  return bytes;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: mnist_subset DIR N X.npy LABELS.npy\n");
    return 2;
  }
  try {
    nnrt::DataSplits splits = nnrt::loadMnistDir(argv[1]);
    if (!splits.test)
      throw nnrt::Error(std::string(argv[1]) + ": no t10k files");
    int64_t n = std::stoll(argv[2]);
    const nnrt::Dataset &test = *splits.test;
    if (n < 1 || n > test.size() || test.sampleNumel() != 784)
      throw nnrt::Error("cannot take " + std::to_string(n) + " samples of " +
                        std::to_string(test.sampleNumel()) + " pixels");
    nnrt::writeFileAtomic(
        argv[3], {nnrt::encodeNpyF32({n, 1, 28, 28}, test.inputs.data())});
    std::vector<int64_t> labels(test.labels.begin(), test.labels.begin() + n);
    nnrt::writeFileAtomic(argv[4], {encodeNpyI64(labels)});
  } catch (const std::exception &e) {
    std::fprintf(stderr, "mnist_subset: %s\n", e.what());
    return 2;
  }
  return 0;
}
