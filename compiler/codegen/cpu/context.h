//===- context.h - Reading the call's nnc_context in generated code -------===//
//
// Every entry point takes the runtime's context (nnrt_model.h), which may be
// null. Its layout is read from the one definition of the struct, with
// static_asserts beside the offsets (context.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nnrt_model.h"

#include <llvm/IR/IRBuilder.h>

#include <cstddef>

namespace nnc::codegen {

/// The context's thread count as an i64: 1 when `context` is null or its
/// count is below 1. Splits the current block.
llvm::Value *contextThreads(llvm::IRBuilder<> &b, llvm::Value *context);

/// The pointer-sized field at byte `offset` (offsetof(nnc_context, ...)) of
/// a context known not to be null.
llvm::Value *contextPointer(llvm::IRBuilder<> &b, llvm::Value *context, size_t offset);

} // namespace nnc::codegen
