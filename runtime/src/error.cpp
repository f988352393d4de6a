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
  int64_t numel = 1;
  for (int64_t dim : shape)
    numel *= dim;
  return numel;
}

} // namespace nnrt
