//===- arena.cpp - The parameter arena's layout ---------------------------===//
//
// Offsets are assigned in one pass: a tensor takes the next multiple of
// kTensorAlign after the previous tensor's end. The optimizer's ranges cover
// each trainable tensor with its alignment padding, merged when adjacent:
// padding holds zeros in the arena and in every slot, and every update rule
// maps zeros to zeros, so updating it is harmless and makes the loops longer
// and fewer.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/arena.h"
#include "base/diagnostics.h"
#include "ir/dim.h"

#include <algorithm>

namespace nnc::codegen {
namespace {

/// `elements` rounded up to kTensorAlign: a tensor's extent in the arena.
int64_t padded(int64_t elements) {
  return (elements + kTensorAlign - 1) / kTensorAlign * kTensorAlign;
}

/// Adds [begin, end) to `ranges`, extending the last range when it ends at
/// `begin`.
void addRange(std::vector<std::pair<int64_t, int64_t>> &ranges, int64_t begin,
              int64_t end) {
  if (!ranges.empty() && ranges.back().second == begin)
    ranges.back().second = end;
  else
    ranges.push_back({begin, end});
}

} // namespace

ArenaLayout layoutArena(const std::vector<ArenaTensor> &tensors) {
  ArenaLayout layout;
  // With the counts bounded as the header says, offsets stay below
  // 2^48 + kTensorAlign * tensors.size(): far from overflowing.
  int64_t next = 0, held = 0;
  for (const ArenaTensor &t : tensors) {
    held += t.elements;
    NNC_CHECK(t.elements >= 0 && held <= ir::kMaxElements,
              "the arena's tensors were not bounded before their layout");
    layout.offsets.push_back(next);
    layout.byName.emplace(t.name, next);
    layout.elements = next + t.elements;
    next += padded(t.elements);
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].trainable)
      continue;
    int64_t begin = layout.offsets[i];
    addRange(layout.updateRanges, begin,
             std::min(layout.elements, begin + padded(tensors[i].elements)));
  }
  return layout;
}

} // namespace nnc::codegen
