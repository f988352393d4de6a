//===- npy_accuracy.cpp - Argmax accuracy of an output .npy ---------------===//
//
// Usage: npy_accuracy Y.npy LABELS.npy
// Y is [N, C] float32 (what `predict` writes), LABELS [N] integer class
// indices ('<i8', '<i4' or '|u1'). Prints the fraction of rows whose first
// maximum is at the label, as `eval` counts it, with 17 significant digits.
// Exits 2 on unreadable or mismatched files.
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/npy.h"

#include <algorithm>
#include <cstdio>
#include <variant>

namespace {

std::vector<int64_t> labelsOf(const nnrt::NpyArray &array) {
  return std::visit(
      [](const auto &values) {
        return std::vector<int64_t>(values.begin(), values.end());
      },
      array.data);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: npy_accuracy Y.npy LABELS.npy\n");
    return 2;
  }
  try {
    nnrt::NpyArray y = nnrt::readNpy(argv[1]);
    nnrt::NpyArray labelArray = nnrt::readNpy(argv[2]);
    const std::vector<float> &values = y.floats(argv[1]);
    std::vector<int64_t> labels = labelsOf(labelArray);
    if (y.shape.size() != 2 || y.shape[0] != int64_t(labels.size()) ||
        labels.empty()) {
      std::fprintf(stderr, "npy_accuracy: %s is %s, %zu labels\n", argv[1],
                   nnrt::formatShape(y.shape).c_str(), labels.size());
      return 2;
    }
    size_t cols = size_t(y.shape[1]);
    int64_t correct = 0;
    for (size_t r = 0; r < labels.size(); ++r) {
      auto row = values.begin() + long(r * cols);
      correct += std::max_element(row, row + long(cols)) - row == labels[r];
    }
    std::printf("%.17g\n", double(correct) / double(labels.size()));
  } catch (const nnrt::Error &e) {
    std::fprintf(stderr, "npy_accuracy: %s\n", e.what());
    return 2;
  }
  return 0;
}
