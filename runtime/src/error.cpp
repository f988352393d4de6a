//===- error.cpp - Helpers shared by the runtime's error messages ---------===//
//
// Shapes appear in almost every message of the runtime; they are printed one
// way everywhere ("[256, 784]") so users and tests can rely on the spelling.
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"

namespace nnrt {

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

int64_t shapeNumel(const std::vector<int64_t> &shape) {
  // Shapes come from files and flags: a product past int64 must not wrap to
  // a small count that a buffer is then sized by.
  int64_t numel = 1;
  for (int64_t dim : shape)
    if (__builtin_mul_overflow(numel, dim, &numel))
      throw Error("shape " + formatShape(shape) +
                  " has too many elements for a 64-bit count");
  return numel;
}

} // namespace nnrt
