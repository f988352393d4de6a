//===- loops.h - Loop nests with IRBuilder --------------------------------===//
//
// Counted loops `for (i = 0; i < n; ++i)` as LLVM IR, the building block of
// every kernel. The body callback runs with the builder inside the loop.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <functional>
#include <vector>

namespace nnc::codegen {

/// Emits a loop over [0, n). `body` receives the induction variable.
void emitLoop(llvm::IRBuilder<> &b, llvm::Value *n,
              const std::function<void(llvm::Value *)> &body);

/// Emits a nest over the extents `dims` (outermost first).
void emitLoopNest(llvm::IRBuilder<> &b, const std::vector<llvm::Value *> &dims,
                  const std::function<void(const std::vector<llvm::Value *> &)> &body);

} // namespace nnc::codegen
