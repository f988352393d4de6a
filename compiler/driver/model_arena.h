//===- model_arena.h - The parameter arena of a checked model -------------===//
//
// Sema lists a model's tensors in state_dict order; the kernel level decides
// where each goes (codegen/kernel/arena.h). This hands the one to the other,
// once per compilation: the kernels, the training code and the manifest all
// read the same layout.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/arena.h"
#include "sema/model.h"

namespace nnc::driver {

/// The layout of `model`'s tensors, in the order of Model::tensors.
codegen::ArenaLayout layoutModelArena(const sema::Model &model);

} // namespace nnc::driver
