//===- model.cpp - Counting and printing helpers of Model -----------------===//
//
// Parameter counts as PyTorch's `sum(p.numel() for p in parameters())`:
// buffers are not parameters; frozen parameters count in the total but not
// in the trainable count.
//
//===----------------------------------------------------------------------===//
#include "sema/model.h"

namespace nnc::sema {

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t Model::countParams(bool trainableOnly) const {
  int64_t n = 0;
  for (const TensorInfo &t : tensors)
    if (!t.isBuffer && (!trainableOnly || !t.frozen))
      n += t.numel();
  return n;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

} // namespace nnc::sema
