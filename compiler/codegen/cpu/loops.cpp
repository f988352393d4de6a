//===- loops.cpp - Loop nests with IRBuilder ------------------------------===//
#include "codegen/cpu/loops.h"

namespace nnc::codegen {

void emitLoop(llvm::IRBuilder<> &b, llvm::Value *n,
              const std::function<void(llvm::Value *)> &body) {
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::LLVMContext &ctx = b.getContext();
  llvm::BasicBlock *pre = b.GetInsertBlock();
  llvm::BasicBlock *head = llvm::BasicBlock::Create(ctx, "loop", fn);
  llvm::BasicBlock *exit = llvm::BasicBlock::Create(ctx, "loop.end", fn);
  llvm::Value *zero = b.getInt64(0);
  // Guard the zero-trip case so the body can be a do-while (simpler IR).
  b.CreateCondBr(b.CreateICmpSGT(n, zero), head, exit);
  b.SetInsertPoint(head);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(zero, pre);
  body(i);
  llvm::Value *next = b.CreateAdd(i, b.getInt64(1), "i.next", true, true);
  i->addIncoming(next, b.GetInsertBlock());
  b.CreateCondBr(b.CreateICmpSLT(next, n), head, exit);
  b.SetInsertPoint(exit);
}

void emitLoopNest(llvm::IRBuilder<> &b, const std::vector<llvm::Value *> &dims,
                  const std::function<void(const std::vector<llvm::Value *> &)> &body) {
  std::vector<llvm::Value *> indices;
  std::function<void(size_t)> level = [&](size_t d) {
    if (d == dims.size()) {
      body(indices);
      return;
    }
    emitLoop(b, dims[d], [&](llvm::Value *i) {
      indices.push_back(i);
      level(d + 1);
      indices.pop_back();
    });
  };
  level(0);
}

} // namespace nnc::codegen
