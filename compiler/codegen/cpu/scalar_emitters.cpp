//===- scalar_emitters.cpp - One scalar LLVM emitter per elementwise op ---===//
//
// The lowering column of ops.def for elementwise ops: emit<Name> builds the
// scalar computation. Transcendentals call libm (expf, tanhf, erff, ...)
// through LLVM intrinsics or plain calls; max/min propagate NaN like
// torch.maximum.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/scalar_emitters.h"
#include "base/diagnostics.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

namespace nnc::codegen {
namespace {

using llvm::ArrayRef;
using llvm::IRBuilder;
using llvm::Value;

Value *unaryIntrinsic(IRBuilder<> &b, llvm::Intrinsic::ID id, Value *x) {
  return b.CreateUnaryIntrinsic(id, x);
}

Value *libmCall(IRBuilder<> &b, const char *name, Value *x) {
  llvm::Module *m = b.GetInsertBlock()->getModule();
  llvm::FunctionCallee fn = m->getOrInsertFunction(
      name, llvm::FunctionType::get(x->getType(), {x->getType()}, false));
  if (auto *f = llvm::dyn_cast<llvm::Function>(fn.getCallee())) {
    f->setDoesNotThrow();
    f->setOnlyAccessesInaccessibleMemory();
    f->setWillReturn();
  }
  return b.CreateCall(fn, {x});
}

Value *one(IRBuilder<> &b, Value *like) {
  return llvm::ConstantFP::get(like->getType(), 1.0);
}
Value *zero(IRBuilder<> &b, Value *like) {
  return llvm::ConstantFP::get(like->getType(), 0.0);
}

#define UNUSED_LEAF(Name)                                                      \
  Value *emit##Name(IRBuilder<> &, ArrayRef<Value *>) {                        \
    NNC_CHECK(false, "leaf has no scalar emitter");                            \
    return nullptr;                                                            \
  }
UNUSED_LEAF(Input)
UNUSED_LEAF(Param)
UNUSED_LEAF(Const)

Value *emitNeg(IRBuilder<> &b, ArrayRef<Value *> a) { return b.CreateFNeg(a[0]); }
Value *emitExp(IRBuilder<> &b, ArrayRef<Value *> a) {
  return unaryIntrinsic(b, llvm::Intrinsic::exp, a[0]);
}
Value *emitLog(IRBuilder<> &b, ArrayRef<Value *> a) {
  return unaryIntrinsic(b, llvm::Intrinsic::log, a[0]);
}
Value *emitTanh(IRBuilder<> &b, ArrayRef<Value *> a) {
  return libmCall(b, a[0]->getType()->isFloatTy() ? "tanhf" : "tanh", a[0]);
}
Value *emitErf(IRBuilder<> &b, ArrayRef<Value *> a) {
  return libmCall(b, a[0]->getType()->isFloatTy() ? "erff" : "erf", a[0]);
}
Value *emitSqrt(IRBuilder<> &b, ArrayRef<Value *> a) {
  return unaryIntrinsic(b, llvm::Intrinsic::sqrt, a[0]);
}
Value *emitAbs(IRBuilder<> &b, ArrayRef<Value *> a) {
  return unaryIntrinsic(b, llvm::Intrinsic::fabs, a[0]);
}
// relu(x) = x < 0 ? 0 : x, which keeps NaN as NaN like torch.relu.
Value *emitRelu(IRBuilder<> &b, ArrayRef<Value *> a) {
  return b.CreateSelect(b.CreateFCmpOLT(a[0], zero(b, a[0])), zero(b, a[0]),
                        a[0]);
}
// sigmoid(x) = 1 / (1 + exp(-x)); exp overflowing to inf gives exactly 0.
Value *emitSigmoid(IRBuilder<> &b, ArrayRef<Value *> a) {
  Value *e = unaryIntrinsic(b, llvm::Intrinsic::exp, b.CreateFNeg(a[0]));
  return b.CreateFDiv(one(b, a[0]), b.CreateFAdd(one(b, a[0]), e));
}
Value *emitAdd(IRBuilder<> &b, ArrayRef<Value *> a) { return b.CreateFAdd(a[0], a[1]); }
Value *emitSub(IRBuilder<> &b, ArrayRef<Value *> a) { return b.CreateFSub(a[0], a[1]); }
Value *emitMul(IRBuilder<> &b, ArrayRef<Value *> a) { return b.CreateFMul(a[0], a[1]); }
Value *emitDiv(IRBuilder<> &b, ArrayRef<Value *> a) { return b.CreateFDiv(a[0], a[1]); }
Value *emitMax(IRBuilder<> &b, ArrayRef<Value *> a) {
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::maximum, a[0], a[1]);
}
Value *emitMin(IRBuilder<> &b, ArrayRef<Value *> a) {
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::minimum, a[0], a[1]);
}
Value *emitGreater(IRBuilder<> &b, ArrayRef<Value *> a) {
  return b.CreateUIToFP(b.CreateFCmpOGT(a[0], a[1]), a[0]->getType());
}
// The operand is already read with broadcast strides.
Value *emitBroadcast(IRBuilder<> &, ArrayRef<Value *> a) { return a[0]; }
Value *emitSelect(IRBuilder<> &b, ArrayRef<Value *> a) {
  return b.CreateSelect(b.CreateFCmpUNE(a[0], zero(b, a[0])), a[1], a[2]);
}
#define UNUSED_STRUCTURAL(Name)                                                \
  Value *emit##Name(IRBuilder<> &, ArrayRef<Value *>) {                        \
    NNC_CHECK(false, "structural op has no scalar emitter");                   \
    return nullptr;                                                            \
  }
UNUSED_STRUCTURAL(MatMul)
UNUSED_STRUCTURAL(Transpose)
UNUSED_STRUCTURAL(Reshape)
// The identity: the fused variant strips boundaries before kernels are
// formed; the hooked variant stores the value at each one.
Value *emitBoundary(IRBuilder<> &, ArrayRef<Value *> a) { return a[0]; }
// A reduction combines with its combiner (ops.def's NNC_REDUCTION row).
#define REDUCTION_COMBINER(Name)                                               \
  Value *emit##Name(IRBuilder<> &b, ArrayRef<Value *> a) {                     \
    return emitScalar(ir::reductionInfo(ir::OpKind::Name)->combiner, b, a);   \
  }
REDUCTION_COMBINER(ReduceSum)
REDUCTION_COMBINER(ReduceMax)
REDUCTION_COMBINER(ReduceMean)
#undef REDUCTION_COMBINER

} // namespace

llvm::Value *emitScalar(ir::OpKind op, llvm::IRBuilder<> &b,
                        llvm::ArrayRef<llvm::Value *> args) {
  switch (op) {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering)            \
  case ir::OpKind::Name:                                                       \
    return emit##Name(b, args);
#include "ir/ops.def"
  }
  return nullptr;
}

} // namespace nnc::codegen
