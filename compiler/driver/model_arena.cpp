//===- model_arena.cpp - The parameter arena of a checked model -----------===//
//
// Every parameter and buffer is in the arena; only trainable parameters are
// in the optimizer's ranges.
//
//===----------------------------------------------------------------------===//
#include "driver/model_arena.h"

namespace nnc::driver {

codegen::ArenaLayout layoutModelArena(const sema::Model &model) {
  std::vector<codegen::ArenaTensor> tensors;
  tensors.reserve(model.tensors.size());
  for (const sema::TensorInfo &t : model.tensors)
    tensors.push_back({t.name, t.numel(), t.trainable()});
  return codegen::layoutArena(tensors);
}

} // namespace nnc::driver
