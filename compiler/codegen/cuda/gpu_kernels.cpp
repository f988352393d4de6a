//===- gpu_kernels.cpp - One NVPTX kernel per kernel of the program --------===//
//
// Each thread takes output elements i = blockIdx.x * blockDim.x +
// threadIdx.x, then i + gridDim.x * blockDim.x, ...; an element's index in
// each dimension comes from i by division. The scalar expressions are the
// CPU backend's (scalar_emitters.h): one definition of each op's math, whose
// transcendental calls ptx.cpp maps to libdevice.
//
//===----------------------------------------------------------------------===//
#include "codegen/cuda/gpu_kernels.h"
#include "base/diagnostics.h"
#include "codegen/cpu/kernel_ir.h"
#include "codegen/cpu/loops.h"
#include "codegen/cpu/scalar_emitters.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicsNVPTX.h>
#include <llvm/IR/Metadata.h>

#include <algorithm>
#include <map>

namespace nnc::codegen {
namespace {

using llvm::Value;

class GpuKernelEmitter : KernelIR {
public:
  GpuKernelEmitter(llvm::Module &m, const KernelProgram &p, const Kernel &k,
                   ThreadIndices indices)
      : KernelIR(m, p, k), indices_(indices) {}

  llvm::Function *run(const std::string &name) {
    pointers_ = 1 + k_.reads.size();
    std::vector<llvm::Type *> params(pointers_, llvm::PointerType::getUnqual(m_.getContext()));
    params.insert(params.end(), constants_.size(), elem_);
    params.insert(params.end(), p_.symbols.size(), b_.getInt64Ty());
    fn_ = createGpuKernelFunction(m_, name, params, pointers_, indices_);
    b_.SetInsertPoint(&fn_->getEntryBlock());
    size_t firstSymbol = pointers_ + constants_.size();
    for (size_t s = 0; s < p_.symbols.size(); ++s)
      symbols_[p_.symbols[s]] = fn_->getArg(static_cast<unsigned>(firstSymbol + s));
    const ir::Shape &outShape = k_.kind == Kernel::MatMul ? k_.product->shape : k_.root->shape;
    emitGridStrideLoop(b_, fn_, indices_, b_.getInt64(0), numel(outShape), [&](Value *i) {
      switch (k_.kind) {
      case Kernel::Elementwise: elementwise(i); break;
      case Kernel::MatMul: matmul(i); break;
      case Kernel::Reduce: reduce(i); break;
      case Kernel::Transpose: transpose(i); break;
      case Kernel::Copy: copy(i); break;
      case Kernel::Hook: NNC_CHECK(false, "a hook point has no kernel"); break;
      }
    });
    b_.CreateRetVoid();
    return fn_;
  }

private:
  Value *out() { return fn_->getArg(0); }
  Value *read(size_t i) { return fn_->getArg(static_cast<unsigned>(1 + i)); }

  /// The multi-index of the linear index `i` in a tensor of `shape`.
  std::vector<Value *> unflatten(Value *i, const ir::Shape &shape) {
    std::vector<Value *> own = strides(shape), idx(shape.size());
    for (size_t d = 0; d < shape.size(); ++d)
      idx[d] = b_.CreateURem(b_.CreateUDiv(i, own[d]), dim(shape[d]));
    return idx;
  }
  /// The expression of `root` at index `idx` of its shape, reading
  /// k_.reads from `firstRead` on (a matrix product's epilogue starts after
  /// its operands), with `values` already holding what is known.
  Value *expression(const std::vector<Value *> &idx, size_t firstRead,
                    std::map<const ir::Node *, Value *> values) {
    size_t rank = k_.root->shape.size();
    for (size_t r = firstRead; r < k_.reads.size(); ++r)
      values.emplace(k_.reads[r].first,
                     load(read(r), dot(idx, broadcastStrides(k_.reads[r].first->shape, rank))));
    for (size_t c = 0; c < constants_.size(); ++c)
      values[constants_[c]] = fn_->getArg(static_cast<unsigned>(pointers_ + c));
    return scalar(k_.root, values);
  }

  void elementwise(Value *i) {
    store(expression(unflatten(i, k_.root->shape), 0, {}), out(), i);
  }

  // C[M, N] = op(A) op(B): element (row, col) summed over k in order.
  void matmul(Value *i) {
    const ir::Shape &c = k_.product->shape;
    const ir::Shape &aShape = k_.reads[0].first->shape;
    Value *N = dim(c[1]);
    Value *K = dim(k_.transA ? aShape[0] : aShape[1]);
    Value *M = dim(c[0]);
    Value *row = b_.CreateUDiv(i, N), *col = b_.CreateURem(i, N);
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    llvm::AllocaInst *acc = entry.CreateAlloca(elem_);
    b_.CreateStore(llvm::ConstantFP::get(elem_, 0.0), acc);
    emitLoop(b_, K, [&](Value *k) {
      // A is [M, K], or [K, M] when transposed; B is [K, N], or [N, K].
      Value *a = load(read(0), k_.transA ? b_.CreateAdd(b_.CreateMul(k, M), row)
                                         : b_.CreateAdd(b_.CreateMul(row, K), k));
      Value *bv = load(read(1), k_.transB ? b_.CreateAdd(b_.CreateMul(col, K), k)
                                          : b_.CreateAdd(b_.CreateMul(k, N), col));
      Value *sum = b_.CreateIntrinsic(llvm::Intrinsic::fma, {elem_}, {a, bv, b_.CreateLoad(elem_, acc)});
      b_.CreateStore(sum, acc);
    });
    Value *product = b_.CreateLoad(elem_, acc);
    if (!hasEpilogue(k_)) {
      store(product, out(), i);
      return;
    }
    store(expression(unflatten(i, k_.root->shape), 2, {{k_.product, product}}), out(), i);
  }

  // Output element i combines the input's elements over the reduced axes,
  // in row-major order of those axes.
  void reduce(Value *i) {
    const ir::Shape &inShape = k_.reads[0].first->shape;
    const std::vector<int64_t> &axes = k_.root->attrs.axes;
    const ir::ReductionInfo &r = *ir::reductionInfo(k_.root->op);
    std::vector<Value *> outIdx = unflatten(i, k_.root->shape);
    std::vector<Value *> inStrides = strides(inShape);
    // The input offset of the kept axes, and the reduced axes' extents and strides.
    Value *base = b_.getInt64(0);
    ir::Shape reducedShape;
    std::vector<Value *> reducedStrides;
    size_t o = 0;
    for (size_t d = 0; d < inShape.size(); ++d) {
      bool reduced = std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end();
      if (reduced) {
        reducedShape.push_back(inShape[d]);
        reducedStrides.push_back(inStrides[d]);
        if (k_.root->attrs.keepdim)
          ++o;
      } else {
        base = b_.CreateAdd(base, b_.CreateMul(outIdx[o++], inStrides[d]));
      }
    }
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    llvm::AllocaInst *acc = entry.CreateAlloca(elem_);
    b_.CreateStore(llvm::ConstantFP::get(elem_, r.identity), acc);
    emitLoop(b_, numel(reducedShape), [&](Value *j) {
      Value *at = b_.CreateAdd(base, dot(unflatten(j, reducedShape), reducedStrides));
      b_.CreateStore(emitScalar(r.combiner, b_, {b_.CreateLoad(elem_, acc), load(read(0), at)}),
                     acc);
    });
    Value *v = b_.CreateLoad(elem_, acc);
    if (r.finalize == ir::ReductionInfo::DivideByCount)
      v = b_.CreateFDiv(v, b_.CreateSIToFP(numel(reducedShape), elem_));
    store(v, out(), i);
  }

  void transpose(Value *i) {
    const std::vector<int64_t> &perm = k_.root->attrs.axes;
    std::vector<Value *> inOwn = strides(k_.reads[0].first->shape), inStrides;
    for (int64_t axis : perm)
      inStrides.push_back(inOwn[size_t(axis)]);
    store(load(read(0), dot(unflatten(i, k_.root->shape), inStrides)), out(), i);
  }

  void copy(Value *i) {
    const ir::Node *src = k_.reads[0].first;
    store(src->op == ir::OpKind::Const ? llvm::ConstantFP::get(elem_, src->attrs.value)
                                       : load(read(0), i),
          out(), i);
  }

  ThreadIndices indices_;
  llvm::Function *fn_ = nullptr;
  size_t pointers_ = 0;
};

} // namespace

llvm::Function *createGpuKernelFunction(llvm::Module &module, const std::string &name,
                                        std::vector<llvm::Type *> params, size_t pointers,
                                        ThreadIndices indices) {
  llvm::LLVMContext &ctx = module.getContext();
  if (indices == ThreadIndices::Arguments)
    params.insert(params.end(), 4, llvm::Type::getInt64Ty(ctx));
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), params, false);
  auto *fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  for (size_t i = 0; i < pointers; ++i) {
    fn->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoAlias);
    fn->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoCapture);
  }
  if (indices == ThreadIndices::Nvptx) {
    fn->setCallingConv(llvm::CallingConv::PTX_Kernel);
    // The annotation older PTX tools read to know a kernel entry.
    llvm::NamedMDNode *annotations = module.getOrInsertNamedMetadata("nvvm.annotations");
    annotations->addOperand(llvm::MDNode::get(
        ctx, {llvm::ValueAsMetadata::get(fn), llvm::MDString::get(ctx, "kernel"),
              llvm::ValueAsMetadata::get(
                  llvm::ConstantInt::get(llvm::Type::getInt32Ty(ctx), 1))}));
  }
  llvm::BasicBlock::Create(ctx, "entry", fn);
  return fn;
}

void emitGridStrideLoop(llvm::IRBuilder<> &b, llvm::Function *fn, ThreadIndices indices,
                        Value *first, Value *end, const std::function<void(Value *)> &body) {
  // blockIdx.x, blockDim.x, threadIdx.x, gridDim.x, as i64.
  auto index = [&](int which) -> Value * {
    if (indices == ThreadIndices::Arguments)
      return fn->getArg(fn->arg_size() - 4 + unsigned(which));
    static const llvm::Intrinsic::ID registers[] = {
        llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x, llvm::Intrinsic::nvvm_read_ptx_sreg_ntid_x,
        llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x, llvm::Intrinsic::nvvm_read_ptx_sreg_nctaid_x};
    return b.CreateZExt(b.CreateIntrinsic(registers[which], {}, {}), b.getInt64Ty());
  };
  Value *block = index(1);
  Value *start = b.CreateAdd(first, b.CreateAdd(b.CreateMul(index(0), block), index(2)));
  Value *step = b.CreateMul(index(3), block);
  llvm::LLVMContext &ctx = fn->getContext();
  llvm::BasicBlock *entry = b.GetInsertBlock();
  llvm::BasicBlock *loop = llvm::BasicBlock::Create(ctx, "grid.loop", fn);
  llvm::BasicBlock *bodyBlock = llvm::BasicBlock::Create(ctx, "grid.body", fn);
  llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx, "grid.done", fn);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(start, entry);
  b.CreateCondBr(b.CreateICmpSLT(i, end), bodyBlock, done);
  b.SetInsertPoint(bodyBlock);
  body(i);
  i->addIncoming(b.CreateAdd(i, step), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
}

llvm::Function *emitGpuKernel(llvm::Module &module, const KernelProgram &program,
                              const Kernel &kernel, const std::string &name,
                              ThreadIndices indices) {
  return GpuKernelEmitter(module, program, kernel, indices).run(name);
}

} // namespace nnc::codegen
