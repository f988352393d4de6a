//===- kernel_ir.cpp - What every backend's kernel emitter builds IR with --===//
#include "codegen/cpu/kernel_ir.h"
#include "codegen/cpu/scalar_emitters.h"

namespace nnc::codegen {

using llvm::Value;

KernelIR::KernelIR(llvm::Module &m, const KernelProgram &p, const Kernel &k)
    : m_(m), p_(p), k_(k), b_(m.getContext()),
      elem_(p.element == ir::DType::F64 ? llvm::Type::getDoubleTy(m.getContext())
                                        : llvm::Type::getFloatTy(m.getContext())),
      constants_(kernelConstants(k)) {}

Value *KernelIR::dim(const ir::Dim &d) {
  Value *sum = nullptr;
  for (const ir::Monomial &t : d.terms) {
    Value *v = b_.getInt64(t.coeff);
    for (const std::string &s : t.symbols)
      v = b_.CreateMul(v, symbols_.at(s), "", true, true);
    sum = sum ? b_.CreateAdd(sum, v, "", true, true) : v;
  }
  return sum ? sum : b_.getInt64(0);
}

std::vector<Value *> KernelIR::extents(const ir::Shape &shape) {
  std::vector<Value *> e;
  for (const ir::Dim &d : shape)
    e.push_back(dim(d));
  return e;
}

std::vector<Value *> KernelIR::strides(const ir::Shape &shape) {
  std::vector<Value *> s(shape.size());
  Value *acc = b_.getInt64(1);
  for (size_t i = shape.size(); i-- > 0;) {
    s[i] = acc;
    acc = b_.CreateMul(acc, dim(shape[i]), "", true, true);
  }
  return s;
}

std::vector<Value *> KernelIR::broadcastStrides(const ir::Shape &shape, size_t rank) {
  std::vector<Value *> own = strides(shape);
  std::vector<Value *> s(rank, b_.getInt64(0));
  size_t offset = rank - shape.size();
  for (size_t j = 0; j < shape.size(); ++j)
    s[offset + j] = shape[j].isOne() ? b_.getInt64(0) : own[j];
  return s;
}

Value *KernelIR::dot(const std::vector<Value *> &idx, const std::vector<Value *> &s) {
  Value *v = b_.getInt64(0);
  for (size_t i = 0; i < idx.size(); ++i)
    v = b_.CreateAdd(v, b_.CreateMul(idx[i], s[i], "", true, true), "", true, true);
  return v;
}

Value *KernelIR::load(Value *base, Value *index) {
  return b_.CreateLoad(elem_, b_.CreateInBoundsGEP(elem_, base, index));
}

void KernelIR::store(Value *v, Value *base, Value *index) {
  b_.CreateStore(v, b_.CreateInBoundsGEP(elem_, base, index));
}

Value *KernelIR::scalar(const ir::Node *n, std::map<const ir::Node *, Value *> &values) {
  if (auto it = values.find(n); it != values.end())
    return it->second;
  Value *v;
  if (n->op == ir::OpKind::Const) {
    v = llvm::ConstantFP::get(elem_, n->attrs.value);
  } else {
    std::vector<Value *> args;
    for (const ir::Node *operand : n->operands)
      args.push_back(scalar(operand, values));
    v = emitScalar(n->op, b_, args);
  }
  values[n] = v;
  return v;
}

} // namespace nnc::codegen
