//===- gpu_update.cpp - The optimizer update as a GPU kernel ---------------===//
#include "codegen/cuda/gpu_update.h"
#include "codegen/cpu/update_rules.h"
#include "nnrt_model.h"

namespace nnc::codegen {

llvm::Function *emitGpuUpdate(llvm::Module &module, const std::string &name,
                              ThreadIndices indices) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::Function *fn =
      createGpuKernelFunction(module, name, {ptr, ptr, ptr, i64, i64, i64}, 3, indices);
  llvm::IRBuilder<> b(&fn->getEntryBlock());
  llvm::FastMathFlags fmf;
  fmf.setAllowContract(true); // as the CPU's loops: a * b + c may be one fma
  b.setFastMathFlags(fmf);
  llvm::Value *arena = fn->getArg(0), *state = fn->getArg(1), *n = fn->getArg(3);
  llvm::Value *begin = fn->getArg(4), *end = fn->getArg(5);
  UpdateScalars k = loadUpdateScalars(b, fn->getArg(2));
  llvm::Type *f32 = b.getFloatTy();
  auto loop = [&](bool adam) {
    emitGridStrideLoop(b, fn, indices, begin, end, [&](llvm::Value *i) {
      auto at = [&](llvm::Value *base, llvm::Value *offset) {
        return b.CreateInBoundsGEP(f32, base, offset ? b.CreateAdd(i, offset) : i);
      };
      llvm::Value *nTimes2 = b.CreateMul(n, b.getInt64(2));
      UpdateElement in{b.CreateLoad(f32, at(arena, nullptr)), b.CreateLoad(f32, at(state, nullptr)),
                       b.CreateLoad(f32, at(state, n)),
                       adam ? b.CreateLoad(f32, at(state, nTimes2)) : nullptr};
      UpdateElement out = adam ? adamStep(b, in, k.adam) : sgdStep(b, in, k.sgd);
      b.CreateStore(out.p, at(arena, nullptr));
      b.CreateStore(out.s1, at(state, n));
      if (adam)
        b.CreateStore(out.s2, at(state, nTimes2));
    });
  };
  llvm::BasicBlock *sgdBlock = llvm::BasicBlock::Create(ctx, "update.sgd", fn);
  llvm::BasicBlock *adamBlock = llvm::BasicBlock::Create(ctx, "update.adam", fn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "update.done", fn);
  b.CreateCondBr(b.CreateICmpEQ(k.rule, b.getInt32(NNC_UPDATE_SGD)), sgdBlock, adamBlock);
  b.SetInsertPoint(sgdBlock);
  loop(false);
  b.CreateBr(done);
  b.SetInsertPoint(adamBlock);
  loop(true);
  b.CreateBr(done);
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return fn;
}

} // namespace nnc::codegen
