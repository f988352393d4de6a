//===- emit_update.cpp - The optimizer update loops of the training step --===//
//
// The formulas are nnrt_model.h's (and docs/training.md derives them from
// PyTorch's SGD, Adam and AdamW). The loop functions take `noalias` pointers:
// parameter, gradient and slot arenas never overlap, so LLVM vectorises them
// without run-time checks. Which loop runs is chosen once per step from
// `update->rule`. A large arena is cut into one slice per thread of the
// context.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_update.h"
#include "codegen/cpu/context.h"
#include "codegen/cpu/loops.h"
#include "codegen/cpu/update_rules.h"
#include "nnrt_model.h"

#include <llvm/IR/Module.h>

#include <cstddef>

namespace nnc::codegen {
namespace {

using llvm::Value;

/// fn(p, g, s1, s2, n, scalars...) with noalias pointers.
llvm::Function *declareLoop(llvm::Module &m, const char *name, int scalars) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  std::vector<llvm::Type *> params(4, ptr);
  params.push_back(llvm::Type::getInt64Ty(ctx));
  params.insert(params.end(), scalars, llvm::Type::getFloatTy(ctx));
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), params, false);
  auto *fn = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, m);
  for (int i = 0; i < 4; ++i) {
    fn->addParamAttr(i, llvm::Attribute::NoAlias);
    fn->addParamAttr(i, llvm::Attribute::NoCapture);
  }
  return fn;
}

/// The loop shared by both rules: loads p, g (and the slots) at i, lets
/// `step` compute the new values, stores them back.

llvm::Function *
emitLoopFunction(llvm::Module &m, const char *name, int scalars,
                 const std::function<UpdateElement(llvm::IRBuilder<> &, UpdateElement,
                                             const std::vector<Value *> &)> &step,
                 bool usesS2) {
  llvm::Function *fn = declareLoop(m, name, scalars);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(m.getContext(), "entry", fn));
  llvm::FastMathFlags fmf;
  fmf.setAllowContract(true);
  b.setFastMathFlags(fmf);
  std::vector<Value *> k;
  for (int i = 0; i < scalars; ++i)
    k.push_back(fn->getArg(5 + i));
  Value *P = fn->getArg(0), *G = fn->getArg(1), *S1 = fn->getArg(2),
        *S2 = fn->getArg(3);
  llvm::Type *f32 = b.getFloatTy();
  emitLoop(b, fn->getArg(4), [&](Value *i) {
    auto at = [&](Value *base) { return b.CreateInBoundsGEP(f32, base, i); };
    UpdateElement in{b.CreateLoad(f32, at(P)), b.CreateLoad(f32, at(G)),
               b.CreateLoad(f32, at(S1)),
               usesS2 ? b.CreateLoad(f32, at(S2)) : nullptr};
    UpdateElement out = step(b, in, k);
    b.CreateStore(out.p, at(P));
    b.CreateStore(out.s1, at(S1));
    if (usesS2)
      b.CreateStore(out.s2, at(S2));
  });
  b.CreateRetVoid();
  return fn;
}

} // namespace

namespace {

/// `void(ptr data, i64 part)`, data = {arena, state, update, parts}: the
/// update of the part'th of `parts` equal slices of the arena (whole
/// 64-byte lines), each trainable range clipped to it. Every element's
/// update reads only that element, so any slicing gives the same bits.
llvm::Function *emitUpdatePart(llvm::Module &m, llvm::StructType *dataTy,
                               int64_t arenaElements,
                               const std::vector<std::pair<int64_t, int64_t>> &ranges) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Function *sgd = emitLoopFunction(m, "nnc_update_sgd", 6, sgdStep, false);
  llvm::Function *adam = emitLoopFunction(m, "nnc_update_adam", 9, adamStep, true);
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                       {ptr, llvm::Type::getInt64Ty(ctx)}, false);
  auto *fn = llvm::Function::Create(type, llvm::Function::InternalLinkage,
                                    "nnc_update_part", m);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  Value *data = fn->getArg(0), *part = fn->getArg(1);
  auto member = [&](unsigned i, llvm::Type *t) {
    return b.CreateLoad(t, b.CreateStructGEP(dataTy, data, i));
  };
  Value *arena = member(0, ptr), *state = member(1, ptr), *update = member(2, ptr);
  Value *parts = member(3, b.getInt64Ty());
  // chunk = ceil(arenaElements / parts), rounded up to 16 floats.
  Value *chunk = b.CreateSDiv(
      b.CreateAdd(b.getInt64(arenaElements), b.CreateSub(parts, b.getInt64(1))), parts);
  chunk = b.CreateAnd(b.CreateAdd(chunk, b.getInt64(15)), b.getInt64(~int64_t(15)));
  Value *lo = b.CreateMul(part, chunk);
  Value *hi = b.CreateMul(b.CreateAdd(part, b.getInt64(1)), chunk);

  UpdateScalars f = loadUpdateScalars(b, update);
  auto *sgdBlock = llvm::BasicBlock::Create(ctx, "update.sgd", fn);
  auto *adamBlock = llvm::BasicBlock::Create(ctx, "update.adam", fn);
  auto *done = llvm::BasicBlock::Create(ctx, "update.done", fn);
  b.CreateCondBr(b.CreateICmpEQ(f.rule, b.getInt32(NNC_UPDATE_SGD)), sgdBlock,
                 adamBlock);
  auto calls = [&](llvm::Function *loop, const std::vector<Value *> &scalars) {
    for (const auto &[begin, end] : ranges) {
      Value *first = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, b.getInt64(begin), lo);
      Value *last = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.getInt64(end), hi);
      auto slice = [&](Value *base, int64_t offset) {
        return b.CreateInBoundsGEP(b.getFloatTy(), base,
                                   b.CreateAdd(first, b.getInt64(offset)));
      };
      // An empty or negative count runs no iteration.
      std::vector<Value *> args = {slice(arena, 0), slice(state, 0),
                                   slice(state, arenaElements),
                                   slice(state, 2 * arenaElements), b.CreateSub(last, first)};
      args.insert(args.end(), scalars.begin(), scalars.end());
      b.CreateCall(loop, args);
    }
    b.CreateBr(done);
  };
  b.SetInsertPoint(sgdBlock);
  calls(sgd, f.sgd);
  b.SetInsertPoint(adamBlock);
  calls(adam, f.adam);
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return fn;
}

/// Arenas smaller than this are updated on the calling thread alone.
constexpr int64_t kParallelElements = int64_t(1) << 16;

} // namespace

void emitOptimizerUpdate(llvm::IRBuilder<> &b, llvm::Value *context, llvm::Value *arena,
                         llvm::Value *state, llvm::Value *update, int64_t arenaElements,
                         const std::vector<std::pair<int64_t, int64_t>> &ranges) {
  llvm::Module &m = *b.GetInsertBlock()->getModule();
  llvm::LLVMContext &ctx = b.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *dataTy = llvm::StructType::get(ctx, {ptr, ptr, ptr, b.getInt64Ty()});
  llvm::Function *part = emitUpdatePart(m, dataTy, arenaElements, ranges);
  // In the entry block, as every alloca should be (not a stack adjustment
  // per call).
  llvm::BasicBlock &entry = b.GetInsertBlock()->getParent()->getEntryBlock();
  Value *data = llvm::IRBuilder<>(&entry, entry.begin()).CreateAlloca(dataTy);
  b.CreateStore(arena, b.CreateStructGEP(dataTy, data, 0));
  b.CreateStore(state, b.CreateStructGEP(dataTy, data, 1));
  b.CreateStore(update, b.CreateStructGEP(dataTy, data, 2));
  Value *threads = contextThreads(b, context);
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  auto *alone = llvm::BasicBlock::Create(ctx, "update.alone", fn);
  auto *pool = llvm::BasicBlock::Create(ctx, "update.pool", fn);
  auto *split = llvm::BasicBlock::Create(ctx, "update.split", fn);
  auto *done = llvm::BasicBlock::Create(ctx, "update.joined", fn);
  // More than one thread implies a context to read.
  b.CreateCondBr(arenaElements >= kParallelElements
                     ? b.CreateICmpSGT(threads, b.getInt64(1))
                     : b.getFalse(),
                 pool, alone);
  b.SetInsertPoint(pool);
  Value *parallelFor = contextPointer(b, context, offsetof(nnc_context, parallel_for));
  b.CreateCondBr(b.CreateIsNull(parallelFor), alone, split);
  b.SetInsertPoint(split);
  b.CreateStore(threads, b.CreateStructGEP(dataTy, data, 3));
  auto *taskTy = llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getInt64Ty(), ptr, ptr}, false);
  b.CreateCall(taskTy, parallelFor,
               {contextPointer(b, context, offsetof(nnc_context, pool)), threads, part, data});
  b.CreateBr(done);
  b.SetInsertPoint(alone);
  b.CreateStore(b.getInt64(1), b.CreateStructGEP(dataTy, data, 3));
  b.CreateCall(part, {data, b.getInt64(0)});
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

} // namespace nnc::codegen
