//===- emit_kernels.cpp - One LLVM function per kernel --------------------===//
//
// Each kernel function takes (out, read0, read1, ..., [scratch, context,]
// const0, ..., sym0, sym1, ...): the buffer pointers, all `noalias`, a
// matrix product's packing scratch and the call's nnc_context (its threads),
// the values of the expression's constants (kernelConstants), the values of
// the symbolic dimensions, then for a rowParallel kernel the range [first,
// last) of output rows to compute. Extents and row-major strides are computed from the shapes;
// a broadcast dimension has stride 0.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_kernels.h"
#include "base/diagnostics.h"
#include "codegen/cpu/emit_gemm.h"
#include "codegen/cpu/kernel_ir.h"
#include "codegen/cpu/loops.h"
#include "codegen/cpu/scalar_emitters.h"

#include <llvm/IR/Module.h>

#include <map>

namespace nnc::codegen {
namespace {

using llvm::Value;

class KernelEmitter : KernelIR {
public:
  KernelEmitter(llvm::Module &m, const KernelProgram &p, const Kernel &k,
                const CpuTarget &target)
      : KernelIR(m, p, k), target_(target) {}

  llvm::Function *run(const std::string &name) {
    llvm::LLVMContext &ctx = m_.getContext();
    buffers_ = 1 + k_.reads.size() + (k_.kind == Kernel::MatMul ? 1 : 0);
    pointers_ = buffers_ + (k_.kind == Kernel::MatMul ? 1 : 0);
    std::vector<llvm::Type *> params(pointers_, llvm::PointerType::getUnqual(ctx));
    params.insert(params.end(), constants_.size(), elem_);
    params.insert(params.end(), p_.symbols.size(), b_.getInt64Ty());
    if (rowParallel(k_))
      params.insert(params.end(), 2, b_.getInt64Ty());
    auto *type = llvm::FunctionType::get(b_.getVoidTy(), params, false);
    fn_ = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, m_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    for (size_t i = 0; i < buffers_; ++i) {
      fn_->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoAlias);
      fn_->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoCapture);
    }
    size_t firstSymbol = pointers_ + constants_.size();
    for (size_t s = 0; s < p_.symbols.size(); ++s)
      symbols_[p_.symbols[s]] = fn_->getArg(static_cast<unsigned>(firstSymbol + s));
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn_));
    switch (k_.kind) {
    case Kernel::Elementwise:
      elementwise();
      break;
    case Kernel::MatMul:
      matmul();
      break;
    case Kernel::Reduce:
      reduce();
      break;
    case Kernel::Transpose:
      transpose();
      break;
    case Kernel::Copy:
      copy();
      break;
    case Kernel::Hook:
      NNC_CHECK(false, "a hook point has no kernel function (emit_entry.cpp calls the hooks)");
      break;
    }
    b_.CreateRetVoid();
    return fn_;
  }

private:
  Value *out() { return fn_->getArg(0); }
  Value *read(size_t i) { return fn_->getArg(static_cast<unsigned>(1 + i)); }
  Value *scratch() { return fn_->getArg(static_cast<unsigned>(1 + k_.reads.size())); }
  Value *context() { return fn_->getArg(static_cast<unsigned>(2 + k_.reads.size())); }

  void elementwise() {
    const ir::Shape &shape = k_.root->shape;
    std::vector<Value *> outStrides = strides(shape);
    std::vector<std::vector<Value *>> readStrides;
    for (const auto &[node, buf] : k_.reads)
      readStrides.push_back(broadcastStrides(node->shape, shape.size()));
    // Rows [first, last) of the output (a scalar has no rows).
    std::vector<Value *> counts = extents(shape);
    Value *first = nullptr;
    if (rowParallel(k_)) {
      first = fn_->getArg(fn_->arg_size() - 2);
      counts[0] = b_.CreateSub(fn_->getArg(fn_->arg_size() - 1), first);
    }
    emitLoopNest(b_, counts, [&](std::vector<Value *> idx) {
      if (first)
        idx[0] = b_.CreateAdd(idx[0], first, "", true, true);
      std::map<const ir::Node *, Value *> values;
      for (size_t r = 0; r < k_.reads.size(); ++r)
        values[k_.reads[r].first] = load(read(r), dot(idx, readStrides[r]));
      for (size_t c = 0; c < constants_.size(); ++c)
        values[constants_[c]] = fn_->getArg(static_cast<unsigned>(pointers_ + c));
      store(scalar(k_.root, values), out(), dot(idx, outStrides));
    });
  }

  // C[M, N] = A[M, K] B[K, N]; a transposed operand is stored the other way.
  void matmul() {
    const ir::Shape &c = k_.product->shape;
    const ir::Shape &aShape = k_.reads[0].first->shape;
    Value *M = dim(c[0]), *N = dim(c[1]);
    Value *K = dim(k_.transA ? aShape[0] : aShape[1]);
    // Enough rows: the packed, register-blocked product. Fewer (a batch of
    // one): plain loops, which read each operand once.
    GemmTiling tiling = gemmTiling(target_.vectorBits, p_.element == ir::DType::F64);
    llvm::BasicBlock *blocked = llvm::BasicBlock::Create(m_.getContext(), "gemm", fn_);
    llvm::BasicBlock *loops = llvm::BasicBlock::Create(m_.getContext(), "few.rows", fn_);
    llvm::BasicBlock *done = llvm::BasicBlock::Create(m_.getContext(), "matmul.done", fn_);
    auto [epilogueFn, epilogueData] = epilogue();
    b_.CreateCondBr(b_.CreateICmpSGE(M, b_.getInt64(tiling.packedFrom(k_.transA, k_.transB))),
                    blocked, loops);
    b_.SetInsertPoint(blocked);
    GemmTiling::Scratch need = scratchOf(tiling);
    b_.CreateCall(gemmFunction(m_, elem_, tiling, k_.transA, k_.transB),
                  {context(), M, N, K, read(0), read(1), out(), scratch(),
                   b_.getInt64(need.a), b_.getInt64(need.total()), epilogueFn, epilogueData});
    b_.CreateBr(done);
    b_.SetInsertPoint(loops);
    b_.CreateCall(fewRowsFunction(m_, elem_, tiling, k_.transA, k_.transB),
                  {context(), M, N, K, read(0), read(1), out(), scratch(), b_.getInt64(0),
                   b_.getInt64(0), epilogueFn, epilogueData});
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }

  /// The epilogue's function and its data, or two null pointers. The
  /// function, `void(ptr data, i64 row, i64 rows, i64 col, i64 cols)`,
  /// evaluates the expression over that block of C in place; `data` (on
  /// this function's stack) holds the kernel's arguments: the pointers, the
  /// constants and the symbols.
  std::pair<Value *, Value *> epilogue() {
    llvm::LLVMContext &ctx = m_.getContext();
    llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
    if (!hasEpilogue(k_))
      return {llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(ctx)),
              llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(ctx))};
    // The kernel's arguments, all of them, in order.
    std::vector<llvm::Type *> fields;
    for (llvm::Argument &arg : fn_->args())
      fields.push_back(arg.getType());
    llvm::StructType *dataTy = llvm::StructType::get(ctx, fields);
    Value *data = llvm::IRBuilder<>(&fn_->getEntryBlock(), fn_->getEntryBlock().begin())
                      .CreateAlloca(dataTy);
    for (unsigned i = 0; i < fn_->arg_size(); ++i)
      b_.CreateStore(fn_->getArg(i), b_.CreateStructGEP(dataTy, data, i));

    auto *type = llvm::FunctionType::get(b_.getVoidTy(),
                                         {ptr, b_.getInt64Ty(), b_.getInt64Ty(),
                                          b_.getInt64Ty(), b_.getInt64Ty()},
                                         false);
    auto *ep = llvm::Function::Create(type, llvm::Function::InternalLinkage,
                                      fn_->getName() + ".epilogue", m_);
    ep->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", ep));
    std::vector<Value *> args;
    for (unsigned i = 0; i < fn_->arg_size(); ++i)
      args.push_back(b_.CreateLoad(fields[i], b_.CreateStructGEP(dataTy, ep->getArg(0), i)));
    auto arg = [&](size_t i) { return args[i]; };
    std::map<std::string, Value *> saved = symbols_;
    size_t firstSymbol = pointers_ + constants_.size();
    for (size_t s = 0; s < p_.symbols.size(); ++s)
      symbols_[p_.symbols[s]] = arg(firstSymbol + s);
    const ir::Shape &shape = k_.root->shape;
    std::vector<Value *> outStrides = strides(shape);
    std::vector<std::vector<Value *>> readStrides;
    for (size_t r = 2; r < k_.reads.size(); ++r)
      readStrides.push_back(broadcastStrides(k_.reads[r].first->shape, shape.size()));
    Value *row0 = ep->getArg(1), *col0 = ep->getArg(3);
    emitLoopNest(b_, {ep->getArg(2), ep->getArg(4)}, [&](std::vector<Value *> idx) {
      idx[0] = b_.CreateAdd(idx[0], row0, "", true, true);
      idx[1] = b_.CreateAdd(idx[1], col0, "", true, true);
      Value *at = dot(idx, outStrides);
      std::map<const ir::Node *, Value *> values;
      values[k_.product] = load(arg(0), at);
      for (size_t r = 2; r < k_.reads.size(); ++r)
        values.emplace(k_.reads[r].first, load(arg(1 + r), dot(idx, readStrides[r - 2])));
      for (size_t c = 0; c < constants_.size(); ++c)
        values[constants_[c]] = arg(pointers_ + c);
      store(scalar(k_.root, values), arg(0), at);
    });
    b_.CreateRetVoid();
    symbols_ = saved;
    return {ep, data};
  }

  /// The packing scratch this product needs per thread, from its shapes.
  GemmTiling::Scratch scratchOf(const GemmTiling &tiling) const {
    return matmulScratch(k_, tiling);
  }

  void reduce() {
    const ir::Node *in = k_.reads[0].first;
    const ir::Shape &inShape = in->shape;
    const std::vector<int64_t> &axes = k_.root->attrs.axes;
    const ir::ReductionInfo &r = *ir::reductionInfo(k_.root->op);
    Value *identity = llvm::ConstantFP::get(elem_, r.identity);
    emitLoop(b_, numel(k_.root->shape),
             [&](Value *i) { store(identity, out(), i); });
    // Output strides seen from the input's axes: 0 along reduced axes.
    std::vector<Value *> outOwn = strides(k_.root->shape);
    std::vector<Value *> outStrides;
    size_t o = 0;
    for (size_t d = 0; d < inShape.size(); ++d) {
      bool reduced = std::find(axes.begin(), axes.end(),
                               static_cast<int64_t>(d)) != axes.end();
      if (reduced) {
        outStrides.push_back(b_.getInt64(0));
        if (k_.root->attrs.keepdim)
          ++o;
      } else {
        outStrides.push_back(outOwn[o++]);
      }
    }
    std::vector<Value *> inStrides = strides(inShape);
    emitLoopNest(b_, extents(inShape), [&](const std::vector<Value *> &idx) {
      Value *oi = dot(idx, outStrides);
      Value *v = emitScalar(r.combiner, b_,
                            {load(out(), oi), load(read(0), dot(idx, inStrides))});
      store(v, out(), oi);
    });
    if (r.finalize == ir::ReductionInfo::DivideByCount) {
      ir::Dim count = ir::Dim::constant(1);
      for (int64_t axis : axes)
        count = count * inShape[static_cast<size_t>(axis)];
      Value *divisor = b_.CreateSIToFP(dim(count), elem_);
      emitLoop(b_, numel(k_.root->shape), [&](Value *i) {
        store(b_.CreateFDiv(load(out(), i), divisor), out(), i);
      });
    }
  }

  void transpose() {
    const std::vector<int64_t> &perm = k_.root->attrs.axes;
    std::vector<Value *> inOwn = strides(k_.reads[0].first->shape);
    std::vector<Value *> inStrides;
    for (int64_t axis : perm)
      inStrides.push_back(inOwn[axis]);
    std::vector<Value *> outStrides = strides(k_.root->shape);
    emitLoopNest(b_, extents(k_.root->shape), [&](const std::vector<Value *> &idx) {
      store(load(read(0), dot(idx, inStrides)), out(), dot(idx, outStrides));
    });
  }

  void copy() {
    const ir::Node *src = k_.reads[0].first;
    bool isConst = src->op == ir::OpKind::Const;
    emitLoop(b_, numel(k_.root->shape), [&](Value *i) {
      Value *v = isConst ? llvm::ConstantFP::get(elem_, src->attrs.value)
                         : load(read(0), i);
      store(v, out(), i);
    });
  }

  const CpuTarget &target_;
  size_t buffers_ = 0;  ///< the `noalias` arguments: buffers and scratch
  size_t pointers_ = 0; ///< those and the context
  llvm::Function *fn_ = nullptr;
};

} // namespace

llvm::Function *emitKernel(llvm::Module &module, const KernelProgram &program,
                           const Kernel &kernel, const std::string &name,
                           const CpuTarget &target) {
  return KernelEmitter(module, program, kernel, target).run(name);
}

} // namespace nnc::codegen
