//===- emit_update.h - The optimizer update loops of the training step ----===//
//
// One internal function per update rule of nnrt_model.h (SGD; Adam, which
// with its `decay` is AdamW too), each a single pass over a contiguous range
// of the arena that reads and writes every element once: the parameter, its
// gradient and its optimizer slots. The per-step scalars come from the
// runtime in an `nnc_update`, so the learning rate and the optimizer can
// change without recompiling.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace nnc::codegen {

/// Emits, at `b`'s insertion point, the update of the arena ranges `ranges`
/// ([begin, end) in elements): parameters in `arena`, gradients and the two
/// slots in `state` (3 consecutive arenas of `arenaElements` floats), the
/// per-step scalars read from the nnc_update struct at `update`.
/// The update of every element of `ranges` (trainable [begin, end) element
/// ranges of the arena), on the threads of `context` (an nnc_context *,
/// possibly null).
void emitOptimizerUpdate(llvm::IRBuilder<> &b, llvm::Value *context, llvm::Value *arena,
                         llvm::Value *state, llvm::Value *update, int64_t arenaElements,
                         const std::vector<std::pair<int64_t, int64_t>> &ranges);

} // namespace nnc::codegen
