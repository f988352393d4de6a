//===- context.cpp - Reading the call's nnc_context in generated code -----===//
#include "codegen/cpu/context.h"

namespace nnc::codegen {

static_assert(sizeof(nnc_context::threads) == 4, "contextThreads loads an i32");
static_assert(sizeof(nnc_context::parallel_for) == sizeof(void *) &&
                  sizeof(nnc_context::pool) == sizeof(void *) &&
                  sizeof(nnc_context::hooks) == sizeof(void *) &&
                  sizeof(nnc_hooks::call) == sizeof(void *) &&
                  sizeof(nnc_hooks::table) == sizeof(void *),
              "contextPointer loads a pointer");

llvm::Value *contextThreads(llvm::IRBuilder<> &b, llvm::Value *context) {
  llvm::LLVMContext &ctx = b.getContext();
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock *from = b.GetInsertBlock();
  llvm::BasicBlock *read = llvm::BasicBlock::Create(ctx, "context.threads", fn);
  llvm::BasicBlock *join = llvm::BasicBlock::Create(ctx, "context.read", fn);
  b.CreateCondBr(b.CreateIsNull(context), join, read);
  b.SetInsertPoint(read);
  llvm::Value *count = b.CreateSExt(
      b.CreateLoad(b.getInt32Ty(),
                   b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), context,
                                                offsetof(nnc_context, threads))),
      b.getInt64Ty());
  b.CreateBr(join);
  b.SetInsertPoint(join);
  llvm::PHINode *threads = b.CreatePHI(b.getInt64Ty(), 2, "threads");
  threads->addIncoming(b.getInt64(1), from);
  threads->addIncoming(count, read);
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, threads, b.getInt64(1));
}

llvm::Value *contextPointer(llvm::IRBuilder<> &b, llvm::Value *context, size_t offset) {
  return b.CreateLoad(llvm::PointerType::getUnqual(b.getContext()),
                      b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), context, offset));
}

} // namespace nnc::codegen
