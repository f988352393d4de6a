//===- scalar_emitters.h - One scalar LLVM emitter per elementwise op -----===//
#pragma once

#include "ir/graph.h"

#include <llvm/IR/IRBuilder.h>

namespace nnc::codegen {

/// Emits `op` applied to scalar `args` (float). Ops of other lowerings are
/// an internal error.
llvm::Value *emitScalar(ir::OpKind op, llvm::IRBuilder<> &b,
                        llvm::ArrayRef<llvm::Value *> args);

} // namespace nnc::codegen
