//===- emit_entry.cpp - An entry point of the model and its workspace size ===//
//
// Layout of the workspace: a table of pointers (slot 0: the matrix products'
// packing scratch, null when the program has none; slot 1 + b: buffer b),
// then the workspace buffers at the offsets the kernel level planned
// (Buffer::offset), then the scratch: one per thread of the call's context.
//
// Constant tables, one set per entry point:
//   <entry>.buffers  {i64 a, i32 kind, i32 termStart, i32 termCount} per
//                    buffer: kind Input/Output (a: position in the caller's
//                    table), Gradient (a: element offset in the state's
//                    gradient arena), Param (a: element offset in the
//                    arena), Workspace (its offset, the polynomial of terms
//                    [termStart, termStart + termCount)) or Shared (a
//                    workspace buffer that reuses the memory of an earlier
//                    one, Buffer::shares; a: that one's slot);
//   <entry>.terms    {i64 coeff, i32 symStart, i32 symCount} per term: coeff
//                    times the symbols dims[<entry>.symbols[symStart + k]];
//                    the last terms are the workspace's extent;
//   <entry>.symbols  i32 symbol positions, with repetition (B*B);
//   <entry>.calls    {ptr thunk, i32 argStart, i32 constStart} per kernel,
//                    in order;
//   <entry>.args     i32 table slots: the output's, then the reads'; for a
//                    hook point, its index, its tensor count, then their
//                    slots;
//   <entry>.consts   double: each elementwise kernel's constants.
// Functions:
//   <entry>.layout(ctx, dims, arena, state, inputs, outputs, update,
//     workspace): walks the buffers, writes each one's pointer into the
//     table, and returns the workspace size; <workspace>(ctx, dims) runs the
//     same walk without writing;
//     both compute sizes with overflow-checked arithmetic (-1 on overflow);
//   <entry>: calls its layout, then each kernel's thunk in order, then (for
//     the training step) the optimizer update. A thunk returns non-zero
//     only for a hook that stops the call: the entry point then returns.
// All internal: the model's descriptor (emit_llvm.cpp) is what points to
// them. A thunk `i32(ptr table, ptr args, ptr dims, ptr consts, ptr ctx)`
// loads its buffers' pointers (and a matrix product the scratch's, from slot
// 0: the same slot in every entry point, as thunks are shared), its
// constants and the symbols, and calls the kernel's function, whose
// `noalias` arguments LLVM keeps once the kernel is inlined into its thunk.
// The thunk of an elementwise kernel of at least 2^16 elements splits its
// rows between the context's threads (a `.rows` part function per thunk).
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_entry.h"
#include "codegen/cpu/context.h"
#include "codegen/cpu/emit_gemm.h"
#include "codegen/cpu/emit_kernels.h"
#include "codegen/cpu/emit_llvm.h"
#include "codegen/cpu/emit_update.h"
#include "codegen/cpu/loops.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>

namespace nnc::codegen {
namespace {

using llvm::Value;

enum BufferKind : int32_t { kInput, kOutput, kGradient, kParam, kWorkspace, kShared };

class EntryEmitter {
public:
  EntryEmitter(llvm::Module &m, const KernelProgram &p, std::string entry,
               std::string workspace, KernelThunks &thunks,
               const TrainingCode *training, const CpuTarget &target)
      : m_(m), p_(p), entryName_(std::move(entry)),
        workspaceName_(std::move(workspace)), thunks_(thunks),
        training_(training), target_(target), b_(m.getContext()) {
    for (const Kernel &k : p_.kernels)
      if (k.kind == Kernel::MatMul)
        scratchBytes_ = std::max(
            scratchBytes_,
            matmulScratch(k, gemmTiling(target.vectorBits, f64())).total() * elementBytes());
  }

  EntryFunctions run() {
    emitTables();
    llvm::Function *bind = emitLayout(entryName_ + ".layout", true);
    llvm::Function *workspace = emitLayout(workspaceName_, false);
    return {emitEntry(bind), workspace};
  }

private:
  llvm::LLVMContext &ctx() { return m_.getContext(); }
  llvm::Type *ptrTy() { return llvm::PointerType::getUnqual(ctx()); }
  llvm::Type *i32() { return b_.getInt32Ty(); }
  llvm::Type *i64() { return b_.getInt64Ty(); }
  bool f64() const { return p_.element == ir::DType::F64; }
  llvm::Type *elemTy() { return f64() ? b_.getDoubleTy() : b_.getFloatTy(); }
  int64_t elementBytes() const { return f64() ? 8 : 4; }
  int64_t tableBytes() const {
    return ((1 + static_cast<int64_t>(p_.buffers.size())) * 8 + 63) / 64 * 64;
  }
  /// A kernel's or a hook point's thunk: non-zero stops the entry point.
  llvm::FunctionType *thunkType() {
    return llvm::FunctionType::get(i32(), {ptrTy(), ptrTy(), ptrTy(), ptrTy(), ptrTy()},
                                   false);
  }
  /// The signature of the entry point and of its layout function.
  llvm::FunctionType *entryType() {
    return llvm::FunctionType::get(
        b_.getVoidTy(), std::vector<llvm::Type *>(training_ ? 8 : 6, ptrTy()),
        false);
  }

  llvm::GlobalVariable *constantTable(const std::string &name,
                                      llvm::Constant *init) {
    auto *g = new llvm::GlobalVariable(m_, init->getType(), true,
                                       llvm::GlobalValue::InternalLinkage, init,
                                       name);
    g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return g;
  }
  template <typename T>
  llvm::Constant *ints(llvm::Type *type, const std::vector<T> &values) {
    std::vector<llvm::Constant *> items;
    for (T v : values)
      items.push_back(llvm::ConstantInt::get(type, static_cast<uint64_t>(v)));
    // An empty array still needs an element to index past.
    if (items.empty())
      items.push_back(llvm::ConstantInt::get(type, 0));
    return llvm::ConstantArray::get(llvm::ArrayType::get(type, items.size()),
                                    items);
  }

  //===--- tables ---------------------------------------------------------===//
  void emitTables() {
    bufferTy_ = llvm::StructType::get(ctx(), {i64(), i32(), i32(), i32()});
    termTy_ = llvm::StructType::get(ctx(), {i64(), i32(), i32()});
    std::vector<llvm::Constant *> buffers, terms;
    std::vector<int32_t> symbols;
    // Appends the terms of `d`; returns where they start.
    auto addTerms = [&](const ir::Dim &d) {
      auto start = static_cast<int32_t>(terms.size());
      for (const ir::Monomial &t : d.terms) {
        auto symStart = static_cast<int32_t>(symbols.size());
        for (const std::string &s : t.symbols)
          symbols.push_back(static_cast<int32_t>(
              std::find(p_.symbols.begin(), p_.symbols.end(), s) - p_.symbols.begin()));
        terms.push_back(llvm::ConstantStruct::get(
            termTy_, {llvm::ConstantInt::get(i64(), static_cast<uint64_t>(t.coeff)),
                      llvm::ConstantInt::get(i32(), static_cast<uint64_t>(symStart)),
                      llvm::ConstantInt::get(i32(), t.symbols.size())}));
      }
      return start;
    };
    for (const Buffer &buf : p_.buffers) {
      int64_t a = buf.index;
      int32_t kind = kWorkspace, termStart = 0, termCount = 0;
      switch (buf.kind) {
      case Buffer::Input:
        kind = kInput;
        break;
      case Buffer::Output:
        kind = kOutput;
        if (training_ && buf.index >= training_->tableOutputs) {
          kind = kGradient;
          a = training_->gradOffsets[buf.index - training_->tableOutputs];
        }
        break;
      case Buffer::Param:
        kind = kParam;
        break;
      case Buffer::Workspace: {
        if (buf.shares >= 0) {
          kind = kShared;
          a = 1 + buf.shares; // the table slot of the buffer whose memory it reuses
          break;
        }
        termStart = addTerms(buf.offset);
        termCount = static_cast<int32_t>(buf.offset.terms.size());
        break;
      }
      }
      buffers.push_back(llvm::ConstantStruct::get(
          bufferTy_, {llvm::ConstantInt::get(i64(), static_cast<uint64_t>(a)),
                      llvm::ConstantInt::get(i32(), static_cast<uint64_t>(kind)),
                      llvm::ConstantInt::get(i32(), static_cast<uint64_t>(termStart)),
                      llvm::ConstantInt::get(i32(), static_cast<uint64_t>(termCount))}));
    }
    extentStart_ = addTerms(p_.workspaceElements);
    extentCount_ = static_cast<int32_t>(p_.workspaceElements.terms.size());
    if (terms.empty())
      terms.push_back(llvm::Constant::getNullValue(termTy_));
    terms_ = constantTable(
        entryName_ + ".terms",
        llvm::ConstantArray::get(llvm::ArrayType::get(termTy_, terms.size()), terms));
    if (buffers.empty())
      buffers.push_back(llvm::Constant::getNullValue(bufferTy_));
    buffers_ = constantTable(
        entryName_ + ".buffers",
        llvm::ConstantArray::get(llvm::ArrayType::get(bufferTy_, buffers.size()),
                                 buffers));
    symbols_ = constantTable(entryName_ + ".symbols", ints(i32(), symbols));

    callTy_ = llvm::StructType::get(ctx(), {ptrTy(), i32(), i32()});
    std::vector<llvm::Constant *> calls;
    std::vector<int32_t> args;
    std::vector<llvm::Constant *> consts;
    for (const Kernel &kernel : p_.kernels) {
      calls.push_back(llvm::ConstantStruct::get(
          callTy_, {kernel.kind == Kernel::Hook ? hookThunk() : thunkFor(kernel),
                    llvm::ConstantInt::get(i32(), args.size()),
                    llvm::ConstantInt::get(i32(), consts.size())}));
      if (kernel.kind == Kernel::Hook) {
        args.push_back(kernel.hook);
        args.push_back(static_cast<int32_t>(kernel.reads.size()));
        for (const auto &[node, buffer] : kernel.reads)
          args.push_back(1 + buffer);
        continue;
      }
      args.push_back(1 + kernel.out);
      for (const auto &[node, buffer] : kernel.reads)
        args.push_back(1 + buffer);
      for (const ir::Node *c : kernelConstants(kernel))
        consts.push_back(llvm::ConstantFP::get(b_.getDoubleTy(), c->attrs.value));
    }
    if (consts.empty())
      consts.push_back(llvm::ConstantFP::get(b_.getDoubleTy(), 0.0));
    consts_ = constantTable(
        entryName_ + ".consts",
        llvm::ConstantArray::get(llvm::ArrayType::get(b_.getDoubleTy(), consts.size()),
                                 consts));
    if (calls.empty())
      calls.push_back(llvm::Constant::getNullValue(callTy_));
    calls_ = constantTable(
        entryName_ + ".calls",
        llvm::ConstantArray::get(llvm::ArrayType::get(callTy_, calls.size()),
                                 calls));
    args_ = constantTable(entryName_ + ".args", ints(i32(), args));
  }

  //===--- kernels --------------------------------------------------------===//
  llvm::Function *thunkFor(const Kernel &kernel) {
    llvm::Function *&thunk = thunks_[kernelKey(p_, kernel)];
    if (thunk)
      return thunk;
    std::string name = entryName_ + ".kernel" + std::to_string(thunks_.size() - 1);
    llvm::Function *body = emitKernel(m_, p_, kernel, name + ".body", target_);
    thunk = llvm::Function::Create(thunkType(), llvm::Function::InternalLinkage,
                                   name, m_);
    thunk->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx(), "entry", thunk));
    Value *table = thunk->getArg(0), *args = thunk->getArg(1),
          *dims = thunk->getArg(2), *consts = thunk->getArg(3),
          *context = thunk->getArg(4);
    std::vector<Value *> operands = kernelOperands(b, kernel, table, args, dims, consts, context);
    if (!rowParallel(kernel)) {
      b.CreateCall(body, operands);
      b.CreateRet(b.getInt32(0));
      return thunk;
    }
    // Rows split between the context's threads when there are enough
    // elements to pay for a fork.
    Value *rows = dimValue(b, kernel.root->shape[0], dims);
    Value *elements = dimValue(b, ir::numElements(kernel.root->shape), dims);
    Value *threads = contextThreads(b, context);
    llvm::BasicBlock *alone = llvm::BasicBlock::Create(ctx(), "alone", thunk);
    llvm::BasicBlock *pool = llvm::BasicBlock::Create(ctx(), "pool", thunk);
    llvm::BasicBlock *split = llvm::BasicBlock::Create(ctx(), "split", thunk);
    b.CreateCondBr(b.CreateAnd(b.CreateICmpSGT(threads, b.getInt64(1)),
                               b.CreateICmpSGE(elements, b.getInt64(kParallelElements))),
                   pool, alone);
    b.SetInsertPoint(pool);
    Value *parallelFor = contextPointer(b, context, offsetof(nnc_context, parallel_for));
    b.CreateCondBr(b.CreateIsNull(parallelFor), alone, split);
    b.SetInsertPoint(alone);
    std::vector<Value *> all = operands;
    all.push_back(b.getInt64(0));
    all.push_back(rows);
    b.CreateCall(body, all);
    b.CreateRet(b.getInt32(0));

    // part(data, i): rows [i * ceil(rows / parts), ...) of the same call.
    llvm::StructType *dataTy =
        llvm::StructType::get(ctx(), {ptrTy(), ptrTy(), ptrTy(), ptrTy(), ptrTy(), i64(), i64()});
    auto *partTy = llvm::FunctionType::get(b.getVoidTy(), {ptrTy(), i64()}, false);
    auto *part = llvm::Function::Create(partTy, llvm::Function::InternalLinkage,
                                        name + ".rows", m_);
    part->addFnAttr(llvm::Attribute::NoUnwind);
    {
      llvm::IRBuilder<> p(llvm::BasicBlock::Create(ctx(), "entry", part));
      Value *data = part->getArg(0), *index = part->getArg(1);
      auto field = [&](unsigned i, llvm::Type *t) {
        return p.CreateLoad(t, p.CreateStructGEP(dataTy, data, i));
      };
      std::vector<Value *> ops =
          kernelOperands(p, kernel, field(0, ptrTy()), field(1, ptrTy()), field(2, ptrTy()),
                         field(3, ptrTy()), field(4, ptrTy()));
      Value *total = field(5, i64()), *parts = field(6, i64());
      Value *each = p.CreateSDiv(p.CreateAdd(total, p.CreateSub(parts, p.getInt64(1))), parts);
      Value *first = p.CreateBinaryIntrinsic(llvm::Intrinsic::smin, p.CreateMul(index, each), total);
      Value *last = p.CreateBinaryIntrinsic(llvm::Intrinsic::smin, p.CreateAdd(first, each), total);
      ops.push_back(first);
      ops.push_back(last);
      p.CreateCall(body, ops);
      p.CreateRetVoid();
    }
    b.SetInsertPoint(split);
    Value *data = llvm::IRBuilder<>(&thunk->getEntryBlock(), thunk->getEntryBlock().begin())
                      .CreateAlloca(dataTy);
    Value *fields[] = {table, args, dims, consts, context, rows, threads};
    for (unsigned i = 0; i < 7; ++i)
      b.CreateStore(fields[i], b.CreateStructGEP(dataTy, data, i));
    auto *taskTy = llvm::FunctionType::get(b.getVoidTy(), {ptrTy(), i64(), ptrTy(), ptrTy()}, false);
    b.CreateCall(taskTy, parallelFor,
                 {contextPointer(b, context, offsetof(nnc_context, pool)), threads, part, data});
    b.CreateRet(b.getInt32(0));
    return thunk;
  }

  /// The thunk of every hook point of the module, `nnc.hook_point`: its
  /// args are {point, count, slot...}. It gathers the point's tensor
  /// pointers and calls ctx->hooks->call; without a context or hooks it
  /// returns 0 at once.
  llvm::Function *hookThunk() {
    if (llvm::Function *f = m_.getFunction("nnc.hook_point"))
      return f;
    auto *fn = llvm::Function::Create(thunkType(), llvm::Function::InternalLinkage,
                                      "nnc.hook_point", m_);
    fn->addFnAttr(llvm::Attribute::NoInline);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx(), "entry", fn));
    Value *table = fn->getArg(0), *args = fn->getArg(1), *context = fn->getArg(4);
    llvm::BasicBlock *none = llvm::BasicBlock::Create(ctx(), "none", fn);
    llvm::BasicBlock *read = llvm::BasicBlock::Create(ctx(), "context", fn);
    llvm::BasicBlock *call = llvm::BasicBlock::Create(ctx(), "call", fn);
    b.CreateCondBr(b.CreateIsNull(context), none, read);
    b.SetInsertPoint(none);
    b.CreateRet(b.getInt32(0));
    b.SetInsertPoint(read);
    Value *hooks = contextPointer(b, context, offsetof(nnc_context, hooks));
    b.CreateCondBr(b.CreateIsNull(hooks), none, call);
    b.SetInsertPoint(call);
    Value *point = b.CreateLoad(i32(), args);
    Value *count = b.CreateSExt(b.CreateLoad(i32(), b.CreateConstInBoundsGEP1_64(i32(), args, 1)),
                                i64());
    Value *tensors = b.CreateAlloca(ptrTy(), count);
    emitLoop(b, count, [&](Value *i) {
      Value *slot = b.CreateSExt(
          b.CreateLoad(i32(), b.CreateInBoundsGEP(i32(), args, b.CreateAdd(i, b.getInt64(2)))),
          i64());
      b.CreateStore(b.CreateLoad(ptrTy(), b.CreateInBoundsGEP(ptrTy(), table, slot)),
                    b.CreateInBoundsGEP(ptrTy(), tensors, i));
    });
    Value *callee = b.CreateLoad(ptrTy(), b.CreateConstInBoundsGEP1_64(
                                              b.getInt8Ty(), hooks, offsetof(nnc_hooks, call)));
    Value *data = b.CreateLoad(ptrTy(), b.CreateConstInBoundsGEP1_64(
                                            b.getInt8Ty(), hooks, offsetof(nnc_hooks, table)));
    auto *callTy = llvm::FunctionType::get(i32(), {ptrTy(), i32(), ptrTy()}, false);
    b.CreateRet(b.CreateCall(callTy, callee, {data, point, tensors}));
    return fn;
  }

  /// Kernels of fewer elements run on the calling thread alone.
  static constexpr int64_t kParallelElements = int64_t(1) << 16;

  /// The arguments of `kernel`'s function but the row range: its buffers'
  /// pointers (and a matrix product's scratch and context), its constants
  /// and the symbols, loaded from a thunk's arguments.
  std::vector<Value *> kernelOperands(llvm::IRBuilder<> &b, const Kernel &kernel, Value *table,
                                      Value *args, Value *dims, Value *consts, Value *context) {
    std::vector<Value *> operands;
    for (size_t i = 0; i < 1 + kernel.reads.size(); ++i) {
      Value *buffer = b.CreateLoad(i32(), b.CreateConstInBoundsGEP1_64(i32(), args, i));
      operands.push_back(b.CreateLoad(
          ptrTy(), b.CreateInBoundsGEP(ptrTy(), table, b.CreateSExt(buffer, i64()))));
    }
    if (kernel.kind == Kernel::MatMul) {
      operands.push_back(b.CreateLoad(ptrTy(), table));
      operands.push_back(context);
    }
    // Rounded to float32 as a constant in the code would be.
    for (size_t c = 0; c < kernelConstants(kernel).size(); ++c)
      operands.push_back(b.CreateFPCast(
          b.CreateLoad(b.getDoubleTy(),
                       b.CreateConstInBoundsGEP1_64(b.getDoubleTy(), consts, c)),
          elemTy()));
    for (size_t s = 0; s < p_.symbols.size(); ++s)
      operands.push_back(
          b.CreateLoad(i64(), b.CreateConstInBoundsGEP1_64(i64(), dims, s)));
    return operands;
  }

  /// The value of `d` with the symbols of `dims`.
  Value *dimValue(llvm::IRBuilder<> &b, const ir::Dim &d, Value *dims) {
    Value *sum = b.getInt64(0);
    for (const ir::Monomial &t : d.terms) {
      Value *v = b.getInt64(t.coeff);
      for (const std::string &s : t.symbols) {
        size_t position = static_cast<size_t>(
            std::find(p_.symbols.begin(), p_.symbols.end(), s) - p_.symbols.begin());
        v = b.CreateMul(v, b.CreateLoad(i64(), b.CreateConstInBoundsGEP1_64(i64(), dims, position)));
      }
      sum = b.CreateAdd(sum, v);
    }
    return sum;
  }

  //===--- layout ---------------------------------------------------------===//
  /// a op b on i64 through an `*.with.overflow` intrinsic; an overflow is
  /// or-ed into `overflow`.
  Value *checked(llvm::Intrinsic::ID op, Value *a, Value *b, Value *overflow) {
    Value *pair = b_.CreateBinaryIntrinsic(op, a, b);
    b_.CreateStore(b_.CreateOr(b_.CreateLoad(b_.getInt1Ty(), overflow),
                               b_.CreateExtractValue(pair, 1)),
                   overflow);
    return b_.CreateExtractValue(pair, 0);
  }

  /// The value of the polynomial of terms [start, start + count) with the
  /// symbols of `dims`, through the allocas `sum` and `product`.
  Value *evaluateTerms(Value *dims, Value *start, Value *count, Value *sum, Value *product,
                       Value *overflow) {
    b_.CreateStore(b_.getInt64(0), sum);
    emitLoop(b_, count, [&](Value *t) {
      Value *term = b_.CreateInBoundsGEP(termTy_, terms_, b_.CreateAdd(start, t));
      Value *symStart = b_.CreateSExt(
          b_.CreateLoad(i32(), b_.CreateStructGEP(termTy_, term, 1)), i64());
      Value *symCount = b_.CreateSExt(
          b_.CreateLoad(i32(), b_.CreateStructGEP(termTy_, term, 2)), i64());
      b_.CreateStore(b_.CreateLoad(i64(), b_.CreateStructGEP(termTy_, term, 0)), product);
      emitLoop(b_, symCount, [&](Value *k) {
        Value *position = b_.CreateLoad(
            i32(), b_.CreateInBoundsGEP(i32(), symbols_, b_.CreateAdd(symStart, k)));
        Value *dim = b_.CreateLoad(
            i64(), b_.CreateInBoundsGEP(i64(), dims, b_.CreateSExt(position, i64())));
        b_.CreateStore(checked(llvm::Intrinsic::smul_with_overflow,
                               b_.CreateLoad(i64(), product), dim, overflow),
                       product);
      });
      b_.CreateStore(checked(llvm::Intrinsic::sadd_with_overflow, b_.CreateLoad(i64(), sum),
                             b_.CreateLoad(i64(), product), overflow),
                     sum);
    });
    return b_.CreateLoad(i64(), sum);
  }

  /// The byte offset in the workspace of the planned element offset
  /// `elements` (rounded up to kWorkspaceAlign) past the pointer table.
  Value *workspaceByte(Value *elements, Value *overflow) {
    Value *aligned = b_.CreateAnd(checked(llvm::Intrinsic::sadd_with_overflow, elements,
                                          b_.getInt64(kWorkspaceAlign - 1), overflow),
                                  b_.getInt64(-kWorkspaceAlign));
    return checked(llvm::Intrinsic::sadd_with_overflow, b_.getInt64(tableBytes()),
                   checked(llvm::Intrinsic::smul_with_overflow, aligned,
                           b_.getInt64(elementBytes()), overflow),
                   overflow);
  }

  /// The table slot of buffer `i`.
  Value *slot(Value *table, Value *i) {
    return b_.CreateInBoundsGEP(ptrTy(), table, b_.CreateAdd(i, b_.getInt64(1)));
  }

  /// With `bind`, the entry's layout function (the entry's signature,
  /// writes the table); without, the workspace-size function (dims only).
  /// Both return the workspace size, or -1 when it does not fit in int64.
  llvm::Function *emitLayout(const std::string &name, bool bind) {
    llvm::FunctionType *type =
        bind ? llvm::FunctionType::get(
                   i64(), std::vector<llvm::Type *>(training_ ? 8 : 6, ptrTy()),
                   false)
             : llvm::FunctionType::get(i64(), {ptrTy(), ptrTy()}, false);
    auto *fn = llvm::Function::Create(type, llvm::Function::InternalLinkage,
                                      name, m_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx(), "entry", fn));
    bool t = training_ != nullptr;
    Value *context = fn->getArg(0);
    Value *dims = fn->getArg(1);
    Value *arena = bind ? fn->getArg(2) : nullptr;
    Value *state = bind && t ? fn->getArg(3) : nullptr;
    Value *inputs = bind ? fn->getArg(t ? 4 : 3) : nullptr;
    Value *outputs = bind ? fn->getArg(t ? 5 : 4) : nullptr;
    Value *workspace = bind ? fn->getArg(t ? 7 : 5) : nullptr;

    Value *overflow = b_.CreateAlloca(b_.getInt1Ty());
    Value *sum = b_.CreateAlloca(i64()), *product = b_.CreateAlloca(i64());
    b_.CreateStore(b_.getFalse(), overflow);
    emitLoop(b_, b_.getInt64(static_cast<int64_t>(p_.buffers.size())), [&](Value *i) {
      Value *desc = b_.CreateInBoundsGEP(bufferTy_, buffers_, i);
      Value *a = b_.CreateLoad(i64(), b_.CreateStructGEP(bufferTy_, desc, 0));
      Value *kind = b_.CreateLoad(i32(), b_.CreateStructGEP(bufferTy_, desc, 1));
      Value *termStart = b_.CreateLoad(i32(), b_.CreateStructGEP(bufferTy_, desc, 2));
      Value *termCount = b_.CreateLoad(i32(), b_.CreateStructGEP(bufferTy_, desc, 3));
      llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx(), "buffer.done", fn);
      llvm::BasicBlock *inWorkspace = llvm::BasicBlock::Create(ctx(), "workspace", fn);
      llvm::SwitchInst *cases = b_.CreateSwitch(kind, done);
      cases->addCase(b_.getInt32(kWorkspace), inWorkspace);
      if (bind) {
        auto pointerCase = [&](BufferKind k, const std::function<Value *()> &at) {
          llvm::BasicBlock *block = llvm::BasicBlock::Create(ctx(), "buffer", fn);
          cases->addCase(b_.getInt32(k), block);
          b_.SetInsertPoint(block);
          b_.CreateStore(at(), slot(workspace, i));
          b_.CreateBr(done);
        };
        pointerCase(kInput, [&] {
          return b_.CreateLoad(ptrTy(), b_.CreateInBoundsGEP(ptrTy(), inputs, a));
        });
        pointerCase(kOutput, [&] {
          return b_.CreateLoad(ptrTy(), b_.CreateInBoundsGEP(ptrTy(), outputs, a));
        });
        // The gradient arena is float32, as the arena of a model that trains.
        if (state)
          pointerCase(kGradient, [&] {
            return b_.CreateInBoundsGEP(b_.getFloatTy(), state, a);
          });
        pointerCase(kParam, [&] {
          return b_.CreateInBoundsGEP(elemTy(), arena, a);
        });
        pointerCase(kShared, [&] {
          return b_.CreateLoad(ptrTy(), b_.CreateInBoundsGEP(ptrTy(), workspace, a));
        });
      }
      // A workspace buffer: where the plan put it. The size function
      // needs only the extent, below.
      b_.SetInsertPoint(inWorkspace);
      if (bind) {
        Value *elements = evaluateTerms(dims, b_.CreateSExt(termStart, i64()),
                                        b_.CreateSExt(termCount, i64()), sum, product, overflow);
        b_.CreateStore(b_.CreateInBoundsGEP(b_.getInt8Ty(), workspace,
                                            workspaceByte(elements, overflow)),
                       slot(workspace, i));
      }
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
    });
    Value *end = workspaceByte(evaluateTerms(dims, b_.getInt64(extentStart_),
                                             b_.getInt64(extentCount_), sum, product, overflow),
                               overflow);
    // The scratch last, so that the buffers keep their offsets.
    Value *scratch = llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(ctx()));
    if (scratchBytes_ > 0) {
      if (bind)
        scratch = b_.CreateInBoundsGEP(b_.getInt8Ty(), workspace, end);
      // One scratch per thread of the context.
      Value *bytes = checked(llvm::Intrinsic::smul_with_overflow,
                             contextThreads(b_, context), b_.getInt64(scratchBytes_),
                             overflow);
      end = checked(llvm::Intrinsic::sadd_with_overflow, end, bytes, overflow);
    }
    if (bind)
      b_.CreateStore(scratch, workspace);
    b_.CreateRet(b_.CreateSelect(b_.CreateLoad(b_.getInt1Ty(), overflow),
                                 b_.getInt64(-1), end));
    return fn;
  }

  //===--- the entry point ------------------------------------------------===//
  llvm::Function *emitEntry(llvm::Function *layout) {
    auto *fn = llvm::Function::Create(entryType(), llvm::Function::InternalLinkage,
                                      entryName_, m_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx(), "entry", fn));
    std::vector<Value *> all;
    for (llvm::Argument &arg : fn->args())
      all.push_back(&arg);
    b_.CreateCall(layout, all);
    bool t = training_ != nullptr;
    Value *context = fn->getArg(0), *dims = fn->getArg(1),
          *workspace = fn->getArg(t ? 7 : 5);
    // for (k = 0; k < kernels; ++k) if (thunk_k(...) != 0) return;
    llvm::BasicBlock *pre = b_.GetInsertBlock();
    llvm::BasicBlock *head = llvm::BasicBlock::Create(ctx(), "kernel", fn);
    llvm::BasicBlock *next = llvm::BasicBlock::Create(ctx(), "kernel.next", fn);
    llvm::BasicBlock *stop = llvm::BasicBlock::Create(ctx(), "stop", fn);
    llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx(), "kernels.done", fn);
    auto count = static_cast<int64_t>(p_.kernels.size());
    b_.CreateCondBr(b_.getInt1(count > 0), head, done);
    b_.SetInsertPoint(head);
    llvm::PHINode *k = b_.CreatePHI(i64(), 2, "k");
    k->addIncoming(b_.getInt64(0), pre);
    Value *call = b_.CreateInBoundsGEP(callTy_, calls_, k);
    Value *thunk = b_.CreateLoad(ptrTy(), b_.CreateStructGEP(callTy_, call, 0));
    Value *argStart = b_.CreateLoad(i32(), b_.CreateStructGEP(callTy_, call, 1));
    Value *constStart = b_.CreateLoad(i32(), b_.CreateStructGEP(callTy_, call, 2));
    Value *args = b_.CreateInBoundsGEP(i32(), args_, b_.CreateSExt(argStart, i64()));
    Value *consts = b_.CreateInBoundsGEP(b_.getDoubleTy(), consts_,
                                         b_.CreateSExt(constStart, i64()));
    Value *status = b_.CreateCall(thunkType(), thunk, {workspace, args, dims, consts, context});
    b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), stop, next);
    b_.SetInsertPoint(next);
    Value *after = b_.CreateAdd(k, b_.getInt64(1), "k.next", true, true);
    k->addIncoming(after, next);
    b_.CreateCondBr(b_.CreateICmpSLT(after, b_.getInt64(count)), head, done);
    // A hook stopped the call: nothing more runs, the parameters stay.
    b_.SetInsertPoint(stop);
    b_.CreateRetVoid();
    b_.SetInsertPoint(done);
    // Every kernel has read the parameters by now; only then may they change.
    if (training_)
      emitOptimizerUpdate(b_, context, fn->getArg(2), fn->getArg(3), fn->getArg(6),
                          training_->arenaElements, training_->updateRanges);
    b_.CreateRetVoid();
    return fn;
  }

  llvm::Module &m_;
  const KernelProgram &p_;
  std::string entryName_, workspaceName_;
  KernelThunks &thunks_;
  const TrainingCode *training_;
  const CpuTarget &target_;
  int64_t scratchBytes_ = 0; ///< the matrix products' packing memory
  llvm::IRBuilder<> b_;
  llvm::StructType *bufferTy_ = nullptr, *termTy_ = nullptr, *callTy_ = nullptr;
  int32_t extentStart_ = 0, extentCount_ = 0; ///< the workspace extent's terms
  llvm::GlobalVariable *buffers_ = nullptr, *terms_ = nullptr, *symbols_ = nullptr,
                       *calls_ = nullptr, *args_ = nullptr, *consts_ = nullptr;
};

} // namespace

EntryFunctions emitEntryPoint(llvm::Module &module, const KernelProgram &program,
                    const std::string &entry, const std::string &workspace,
                    KernelThunks &thunks, const TrainingCode *training,
                    const CpuTarget &target) {
  return EntryEmitter(module, program, entry, workspace, thunks, training, target).run();
}

} // namespace nnc::codegen
