//===- emit_gemm.cpp - A packed, register-blocked matrix product ----------===//
//
// Four functions per (element type, transA, transB), named after the
// tiling's prefix:
//   .packA  copies an mc x kc block of op(A) into panels of mr rows, each
//           k-major (the mr values of one k are adjacent), zero-padded;
//   .packB  copies a kc x nc block of op(B) into panels of nr columns, each
//           k-major, zero-padded;
//   .micro  C[mr, nr] (+)= packed A panel x packed B panel: per k, two
//           vector loads of B and mr broadcasts of A feed 2 * mr fused
//           multiply-adds into accumulators that stay in registers; a tile
//           at the edge of C is stored under a lane mask;
//   the driver: BLIS's loops over blocks of N (nc), K (kc) and M (mc), then
//           over the panels.
// The entry cuts C into one part per thread of the call's context
// (nnrt_model.h) and runs the loops above on each. Each sum over K runs in one order, k ascending within a block of kc and
// the blocks in order, whatever the shapes: results do not depend on how C
// is cut into tiles.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_gemm.h"
#include "codegen/cpu/context.h"
#include "codegen/cpu/loops.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include <algorithm>
#include <functional>

namespace nnc::codegen {
namespace {

using llvm::Value;

class GemmEmitter {
public:
  GemmEmitter(llvm::Module &m, llvm::Type *element, const GemmTiling &t)
      : m_(m), ctx_(m.getContext()), elem_(element), t_(t),
        elemBytes_(element->isDoubleTy() ? 8 : 4),
        vec_(llvm::FixedVectorType::get(element, t.lanes)),
        ptr_(llvm::PointerType::getUnqual(m.getContext())),
        i64_(llvm::Type::getInt64Ty(m.getContext())) {
    prefix_ = std::string("nnc.gemm.") + (element->isDoubleTy() ? "f64" : "f32") +
              "." + std::to_string(t.mr) + "x" + std::to_string(t.nr);
  }

  /// The entry: (ctx, M, N, K, A, B, C, scratch) on dense operands. It cuts
  /// C into one part per thread of the context, by columns (whole panels
  /// of nr) when there are enough of them, else by rows (whole tiles of
  /// mr), and runs the blocked product on each part with its own scratch.
  llvm::Function *parallel(bool transA, bool transB, bool fewRows) {
    std::string name = prefix_ + (transA ? ".t" : ".n") + (transB ? "t" : "n") +
                       (fewRows ? ".rows" : "");
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *serial =
        fewRows ? fewRowsFunction(transA, transB) : serialFunction(transA, transB);
    llvm::StructType *taskTy = llvm::StructType::get(
        ctx_, {i64_, i64_, i64_, ptr_, ptr_, ptr_, ptr_, i64_, i64_, i64_, i64_, ptr_, ptr_});
    enum { kM, kN, kK, kA, kB, kC, kScratch, kParts, kByColumns, kAElements, kPerThread,
           kEpilogue, kEpilogueData };
    llvm::Function *task = create(name + ".part", {ptr_, i64_}, {});
    {
      llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", task));
      Value *data = task->getArg(0), *part = task->getArg(1);
      auto field = [&](unsigned i, llvm::Type *type) {
        return b.CreateLoad(type, b.CreateStructGEP(taskTy, data, i));
      };
      Value *M = field(kM, i64_), *N = field(kN, i64_), *K = field(kK, i64_);
      Value *A = field(kA, ptr_), *B = field(kB, ptr_), *C = field(kC, ptr_);
      Value *parts = field(kParts, i64_);
      Value *aElements = field(kAElements, i64_);
      Value *epilogue = field(kEpilogue, ptr_), *epilogueData = field(kEpilogueData, ptr_);
      Value *scratch = b.CreateInBoundsGEP(elem_, field(kScratch, ptr_),
                                           b.CreateMul(part, field(kPerThread, i64_)));
      llvm::BasicBlock *byColumns = llvm::BasicBlock::Create(ctx_, "columns", task);
      llvm::BasicBlock *byRows = llvm::BasicBlock::Create(ctx_, "rows", task);
      llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx_, "done", task);
      b.CreateCondBr(b.CreateICmpNE(field(kByColumns, i64_), b.getInt64(0)), byColumns,
                     byRows);
      // [first, last) of `extent`, in whole units of `unit`.
      auto range = [&](Value *extent, int64_t unit) {
        Value *units = ceilDiv(b, extent, unit);
        Value *each = b.CreateSDiv(b.CreateAdd(units, b.CreateSub(parts, b.getInt64(1))), parts);
        Value *first = smin(b, extent, b.CreateMul(mul(b, part, unit), each));
        Value *last = smin(b, extent, b.CreateMul(mul(b, b.CreateAdd(part, b.getInt64(1)), unit), each));
        return std::pair{first, b.CreateSub(last, first)};
      };
      b.SetInsertPoint(byColumns);
      {
        auto [first, count] = range(N, t_.nr);
        llvm::BasicBlock *work = llvm::BasicBlock::Create(ctx_, "columns.work", task);
        b.CreateCondBr(b.CreateICmpSGT(count, b.getInt64(0)), work, done);
        b.SetInsertPoint(work);
        Value *bPart = b.CreateInBoundsGEP(elem_, B, transB ? b.CreateMul(first, K) : first);
        b.CreateCall(serial, {M, count, K, A, transA ? M : K, bPart, transB ? K : N,
                              b.CreateInBoundsGEP(elem_, C, first), N, scratch, aElements,
                              epilogue, epilogueData, b.getInt64(0), first});
        b.CreateBr(done);
      }
      b.SetInsertPoint(byRows);
      {
        auto [first, count] = range(M, t_.mr);
        llvm::BasicBlock *work = llvm::BasicBlock::Create(ctx_, "rows.work", task);
        b.CreateCondBr(b.CreateICmpSGT(count, b.getInt64(0)), work, done);
        b.SetInsertPoint(work);
        Value *aPart = b.CreateInBoundsGEP(elem_, A, transA ? first : b.CreateMul(first, K));
        b.CreateCall(serial, {count, N, K, aPart, transA ? M : K, B, transB ? K : N,
                              b.CreateInBoundsGEP(elem_, C, b.CreateMul(first, N)), N,
                              scratch, aElements, epilogue, epilogueData, first,
                              b.getInt64(0)});
        b.CreateBr(done);
      }
      b.SetInsertPoint(done);
      b.CreateRetVoid();
    }

    llvm::Function *fn = create(
        name, {ptr_, i64_, i64_, i64_, ptr_, ptr_, ptr_, ptr_, i64_, i64_, ptr_, ptr_},
        {4, 5, 6, 7});
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", fn));
    Value *context = fn->getArg(0), *M = fn->getArg(1), *N = fn->getArg(2),
          *K = fn->getArg(3), *A = fn->getArg(4), *B = fn->getArg(5), *C = fn->getArg(6),
          *scratch = fn->getArg(7), *aElements = fn->getArg(8), *perThread = fn->getArg(9),
          *epilogue = fn->getArg(10), *epilogueData = fn->getArg(11);
    Value *threads = contextThreads(b, context);
    Value *work = b.CreateMul(b.CreateMul(M, N), K);
    llvm::BasicBlock *alone = llvm::BasicBlock::Create(ctx_, "alone", fn);
    llvm::BasicBlock *pool = llvm::BasicBlock::Create(ctx_, "pool", fn);
    llvm::BasicBlock *split = llvm::BasicBlock::Create(ctx_, "split", fn);
    // More than one thread implies a context to read.
    b.CreateCondBr(b.CreateAnd(b.CreateICmpSGT(threads, b.getInt64(1)),
                               b.CreateICmpSGE(work, b.getInt64(fewRows ? kParallelFewRows
                                                                        : kParallelWork))),
                   pool, alone);
    b.SetInsertPoint(pool);
    Value *parallelFor = contextPointer(b, context, offsetof(nnc_context, parallel_for));
    b.CreateCondBr(b.CreateIsNull(parallelFor), alone, split);
    b.SetInsertPoint(alone);
    b.CreateCall(serial, {M, N, K, A, transA ? M : K, B, transB ? K : N, C, N, scratch,
                          aElements, epilogue, epilogueData, b.getInt64(0), b.getInt64(0)});
    b.CreateRetVoid();
    b.SetInsertPoint(split);
    Value *data = llvm::IRBuilder<>(&fn->getEntryBlock(), fn->getEntryBlock().begin())
                      .CreateAlloca(taskTy);
    auto set = [&](unsigned i, Value *v) { b.CreateStore(v, b.CreateStructGEP(taskTy, data, i)); };
    set(kM, M);
    set(kN, N);
    set(kK, K);
    set(kA, A);
    set(kB, B);
    set(kC, C);
    set(kScratch, scratch);
    set(kAElements, aElements);
    set(kPerThread, perThread);
    set(kEpilogue, epilogue);
    set(kEpilogueData, epilogueData);
    set(kParts, threads);
    // Columns when each thread gets at least two panels of them.
    set(kByColumns, b.CreateZExt(b.CreateICmpSGE(ceilDiv(b, N, t_.nr),
                                                 b.CreateMul(threads, b.getInt64(2))),
                                 i64_));
    auto *taskFnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_),
                                             {ptr_, i64_, ptr_, ptr_}, false);
    b.CreateCall(taskFnTy, parallelFor,
                 {contextPointer(b, context, offsetof(nnc_context, pool)), threads, task, data});
    b.CreateRetVoid();
    return fn;
  }

  /// Products smaller than this many multiply-adds run on one thread: a
  /// fork and join costs more than they take. With few rows, a product is
  /// bound by reading B, and a thread that reads half of it from its own
  /// L2 cache is worth a fork sooner.
  static constexpr int64_t kParallelWork = int64_t(1) << 18;
  static constexpr int64_t kParallelFewRows = int64_t(1) << 16;

  /// Rows of B per pass of the few-rows product: each a chain of
  /// multiply-adds of its own, enough to cover their latency.
  static constexpr unsigned kDotRows = 8;
  /// Rows of A per pass: each vector of B loaded serves this many rows.
  /// Their accumulators (this times the rows of B) and the loaded vectors
  /// stay in registers: 32 with AVX-512, 16 below it.
  unsigned dotRowsOfA() const { return t_.lanes * elemBytes_ >= 64 ? 3 : 1; }

  /// C[i0 + r, j0 + q] = A[i0 + r, :] . B[j0 + q, :] for r < aRows.size()
  /// and q < rows: each vector of B is loaded once for all rows of A.
  void dots(llvm::IRBuilder<> &b, const std::vector<Value *> &aRows, Value *B, Value *ldb,
            Value *K, Value *j0, unsigned rows, Value *C, Value *i0, Value *ldc) {
    const size_t ra = aRows.size();
    Value *zeroVec = llvm::ConstantAggregateZero::get(vec_);
    std::vector<Value *> bRows(rows);
    for (unsigned q = 0; q < rows; ++q)
      bRows[q] = b.CreateInBoundsGEP(
          elem_, B, b.CreateMul(b.CreateAdd(j0, b.getInt64(q)), ldb));
    llvm::Function *fn = b.GetInsertBlock()->getParent();
    llvm::BasicBlock *before = b.GetInsertBlock();
    llvm::BasicBlock *body = llvm::BasicBlock::Create(ctx_, "dot", fn);
    llvm::BasicBlock *after = llvm::BasicBlock::Create(ctx_, "dot.tail", fn);
    Value *vectors = b.CreateSDiv(K, b.getInt64(t_.lanes));
    b.CreateCondBr(b.CreateICmpSGT(vectors, b.getInt64(0)), body, after);
    b.SetInsertPoint(body);
    llvm::PHINode *kb = b.CreatePHI(i64_, 2);
    kb->addIncoming(b.getInt64(0), before);
    std::vector<llvm::PHINode *> acc(ra * rows);
    std::vector<Value *> next(ra * rows);
    for (llvm::PHINode *&phi : acc) {
      phi = b.CreatePHI(vec_, 2);
      phi->addIncoming(zeroVec, before);
    }
    Value *k0 = mul(b, kb, t_.lanes);
    std::vector<Value *> x(ra);
    for (size_t r = 0; r < ra; ++r)
      x[r] = b.CreateAlignedLoad(vec_, b.CreateInBoundsGEP(elem_, aRows[r], k0),
                                 llvm::Align(elemBytes_));
    for (unsigned q = 0; q < rows; ++q) {
      Value *y = b.CreateAlignedLoad(vec_, b.CreateInBoundsGEP(elem_, bRows[q], k0),
                                     llvm::Align(elemBytes_));
      for (size_t r = 0; r < ra; ++r)
        next[r * rows + q] = b.CreateIntrinsic(llvm::Intrinsic::fmuladd, {vec_},
                                               {x[r], y, acc[r * rows + q]});
    }
    Value *kbNext = b.CreateAdd(kb, b.getInt64(1), "", true, true);
    kb->addIncoming(kbNext, body);
    for (size_t a = 0; a < acc.size(); ++a)
      acc[a]->addIncoming(next[a], body);
    b.CreateCondBr(b.CreateICmpSLT(kbNext, vectors), body, after);
    b.SetInsertPoint(after);
    std::vector<llvm::PHINode *> sums(acc.size());
    for (size_t a = 0; a < acc.size(); ++a) {
      sums[a] = b.CreatePHI(vec_, 2);
      sums[a]->addIncoming(zeroVec, before);
      sums[a]->addIncoming(next[a], body);
    }
    // The last K mod lanes values, masked (zero elsewhere).
    Value *kTail = mul(b, vectors, t_.lanes);
    Value *mask = laneMask(b, 0, b.CreateSub(K, kTail));
    std::vector<Value *> xt(ra);
    for (size_t r = 0; r < ra; ++r)
      xt[r] = b.CreateMaskedLoad(vec_, b.CreateInBoundsGEP(elem_, aRows[r], kTail),
                                 llvm::Align(elemBytes_), mask, zeroVec);
    for (unsigned q = 0; q < rows; ++q) {
      Value *yt = b.CreateMaskedLoad(vec_, b.CreateInBoundsGEP(elem_, bRows[q], kTail),
                                     llvm::Align(elemBytes_), mask, zeroVec);
      for (size_t r = 0; r < ra; ++r) {
        Value *total = b.CreateIntrinsic(llvm::Intrinsic::fmuladd, {vec_},
                                         {xt[r], yt, sums[r * rows + q]});
        Value *i = b.CreateAdd(i0, b.getInt64(static_cast<int64_t>(r)));
        b.CreateStore(
            b.CreateFAddReduce(llvm::ConstantFP::getNegativeZero(elem_), total),
            b.CreateInBoundsGEP(elem_, C,
                                b.CreateAdd(b.CreateMul(i, ldc),
                                            b.CreateAdd(j0, b.getInt64(q)))));
      }
    }
  }

  /// (M, N, K, A, lda, B, ldb, C, ldc, scratch, aElements, epilogue,
  /// epilogueData, row0, col0): the same product as plain loops (no
  /// scratch), for fewer rows than packing pays for (a batch of one is a
  /// matrix-vector product): each operand is read once, in its own order.
  /// The epilogue then runs once over the whole part.
  llvm::Function *fewRowsFunction(bool transA, bool transB) {
    std::string name =
        prefix_ + (transA ? ".t" : ".n") + (transB ? "t" : "n") + ".rows.serial";
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *fn = create(name, serialParams(), {3, 5, 7});
    llvm::BasicBlock *entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
    llvm::IRBuilder<> b(entry);
    Value *M = fn->getArg(0), *N = fn->getArg(1), *K = fn->getArg(2);
    Value *A = fn->getArg(3), *lda = fn->getArg(4), *B = fn->getArg(5),
          *ldb = fn->getArg(6), *C = fn->getArg(7), *ldc = fn->getArg(8);
    auto a = [&](Value *i, Value *k) {
      return loadElem(b, A, transA ? b.CreateAdd(b.CreateMul(k, lda), i)
                                   : b.CreateAdd(b.CreateMul(i, lda), k));
    };
    // Sums may be reordered (vectorised): the order is still one per build.
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    Value *zero = llvm::ConstantFP::get(elem_, 0.0);
    if (transB && !transA) {
      // Dot products of a row of A with rows of the stored B, all contiguous:
      // kDotRows rows of B at a time, each into its own vector accumulator
      // (independent chains to cover the latency of a multiply-add), the
      // last part of K under a lane mask, then one reduction per row.
      // Rows of A go dotRowsOfA() at a time, then one at a time: each
      // element is the same sum in the same order either way.
      Value *columns = b.CreateMul(b.CreateSDiv(N, b.getInt64(kDotRows)),
                                   b.getInt64(kDotRows));
      auto rowsFrom = [&](Value *i0, unsigned ra) {
        std::vector<Value *> aRows;
        for (unsigned r = 0; r < ra; ++r)
          aRows.push_back(b.CreateInBoundsGEP(
              elem_, A, b.CreateMul(b.CreateAdd(i0, b.getInt64(r)), lda)));
        emitLoop(b, b.CreateSDiv(N, b.getInt64(kDotRows)), [&](Value *jb) {
          dots(b, aRows, B, ldb, K, mul(b, jb, kDotRows), kDotRows, C, i0, ldc);
        });
        emitLoop(b, b.CreateSub(N, columns), [&](Value *jj) {
          dots(b, aRows, B, ldb, K, b.CreateAdd(columns, jj), 1, C, i0, ldc);
        });
      };
      const unsigned ra = dotRowsOfA();
      Value *groups = b.CreateSDiv(M, b.getInt64(ra));
      emitLoop(b, groups, [&](Value *g) { rowsFrom(mul(b, g, ra), ra); });
      if (ra > 1) {
        Value *done = mul(b, groups, ra);
        emitLoop(b, b.CreateSub(M, done),
                 [&](Value *r) { rowsFrom(b.CreateAdd(done, r), 1); });
      }
    } else if (transB) {
      // Dot products along contiguous rows of A and of the stored B.
      Value *acc = b.CreateAlloca(elem_);
      emitLoop(b, M, [&](Value *i) {
        emitLoop(b, N, [&](Value *j) {
          b.CreateStore(zero, acc);
          Value *row = b.CreateInBoundsGEP(elem_, B, b.CreateMul(j, ldb));
          emitLoop(b, K, [&](Value *k) {
            b.CreateStore(b.CreateFAdd(b.CreateLoad(elem_, acc),
                                       b.CreateFMul(a(i, k), loadElem(b, row, k))),
                          acc);
          });
          b.CreateStore(b.CreateLoad(elem_, acc),
                        b.CreateInBoundsGEP(elem_, C, b.CreateAdd(b.CreateMul(i, ldc), j)));
        });
      });
    } else {
      // Rows of C accumulate scaled rows of B: the inner loop is contiguous.
      emitLoop(b, M, [&](Value *i) {
        Value *row = b.CreateInBoundsGEP(elem_, C, b.CreateMul(i, ldc));
        emitLoop(b, N, [&](Value *j) { b.CreateStore(zero, b.CreateInBoundsGEP(elem_, row, j)); });
        emitLoop(b, K, [&](Value *k) {
          Value *x = a(i, k);
          Value *bRow = b.CreateInBoundsGEP(elem_, B, b.CreateMul(k, ldb));
          emitLoop(b, N, [&](Value *j) {
            Value *at = b.CreateInBoundsGEP(elem_, row, j);
            b.CreateStore(b.CreateFAdd(b.CreateLoad(elem_, at),
                                       b.CreateFMul(x, loadElem(b, bRow, j))),
                          at);
          });
        });
      });
    }
    callEpilogue(b, fn, M, b.getInt64(0), N, b.getInt64(0));
    b.CreateRetVoid();
    return fn;
  }

  /// The parameters of the serial functions.
  std::vector<llvm::Type *> serialParams() const {
    return {i64_, i64_, i64_, ptr_, i64_, ptr_, i64_, ptr_, i64_, ptr_, i64_,
            ptr_, ptr_, i64_, i64_};
  }

  /// Calls the epilogue of serial function `fn`, when it has one, on rows
  /// [i0, i0 + rows) and columns [j0, j0 + cols) of its part of C.
  void callEpilogue(llvm::IRBuilder<> &b, llvm::Function *fn, Value *rows, Value *i0,
                    Value *cols, Value *j0) {
    Value *epilogue = fn->getArg(11), *data = fn->getArg(12);
    llvm::BasicBlock *call = llvm::BasicBlock::Create(ctx_, "epilogue", fn);
    llvm::BasicBlock *after = llvm::BasicBlock::Create(ctx_, "epilogue.done", fn);
    b.CreateCondBr(b.CreateIsNull(epilogue), after, call);
    b.SetInsertPoint(call);
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_),
                                         {ptr_, i64_, i64_, i64_, i64_}, false);
    b.CreateCall(type, epilogue,
                 {data, b.CreateAdd(fn->getArg(13), i0), rows,
                  b.CreateAdd(fn->getArg(14), j0), cols});
    b.CreateBr(after);
    b.SetInsertPoint(after);
  }

  /// (M, N, K, A, lda, B, ldb, C, ldc, scratch, aElements, epilogue,
  /// epilogueData, row0, col0): BLIS's loops on one thread; packed A at
  /// scratch, packed B aElements further. C is the part of the product
  /// from row row0 and column col0; once a block of it has its whole sum,
  /// the epilogue (when not null) runs on that block while it is in cache.
  llvm::Function *serialFunction(bool transA, bool transB) {
    std::string name = prefix_ + (transA ? ".t" : ".n") + (transB ? "t" : "n") + ".serial";
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *packA = packAFunction(transA);
    llvm::Function *packB = packBFunction(transB);
    llvm::Function *micro = microFunction();
    llvm::Function *fn = create(name, serialParams(), {3, 5, 7, 9});
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", fn));
    Value *M = fn->getArg(0), *N = fn->getArg(1), *K = fn->getArg(2);
    Value *A = fn->getArg(3), *lda = fn->getArg(4), *B = fn->getArg(5),
          *ldb = fn->getArg(6), *C = fn->getArg(7), *ldc = fn->getArg(8);
    Value *scratch = fn->getArg(9), *aElements = fn->getArg(10);

    // An empty sum: C is zero.
    llvm::BasicBlock *empty = llvm::BasicBlock::Create(ctx_, "empty.sum", fn);
    llvm::BasicBlock *blocks = llvm::BasicBlock::Create(ctx_, "blocks", fn);
    b.CreateCondBr(b.CreateICmpSLE(K, b.getInt64(0)), empty, blocks);
    b.SetInsertPoint(empty);
    emitLoop(b, M, [&](Value *i) {
      b.CreateMemSet(b.CreateInBoundsGEP(elem_, C, b.CreateMul(i, ldc, "", true, true)),
                     b.getInt8(0), b.CreateMul(N, b.getInt64(elemBytes_), "", true, true),
                     llvm::MaybeAlign(elemBytes_));
    });
    callEpilogue(b, fn, M, b.getInt64(0), N, b.getInt64(0));
    b.CreateRetVoid();

    b.SetInsertPoint(blocks);
    Value *ap = scratch;
    Value *bp = b.CreateInBoundsGEP(elem_, scratch, aElements);
    emitLoop(b, ceilDiv(b, N, t_.nc), [&](Value *jb) {
      Value *jc = mul(b, jb, t_.nc);
      Value *nc = smin(b, b.getInt64(t_.nc), b.CreateSub(N, jc, "", true, true));
      Value *kBlocks = ceilDiv(b, K, t_.kc);
      emitLoop(b, kBlocks, [&](Value *pb) {
        Value *pc = mul(b, pb, t_.kc);
        Value *lastK = b.CreateICmpEQ(pb, b.CreateSub(kBlocks, b.getInt64(1)));
        Value *kc = smin(b, b.getInt64(t_.kc), b.CreateSub(K, pc, "", true, true));
        Value *accumulate = b.CreateICmpSGT(pb, b.getInt64(0));
        b.CreateCall(packB, {B, ldb, pc, jc, kc, nc, bp});
        emitLoop(b, ceilDiv(b, M, t_.mc), [&](Value *ib) {
          Value *ic = mul(b, ib, t_.mc);
          Value *mc = smin(b, b.getInt64(t_.mc), b.CreateSub(M, ic, "", true, true));
          b.CreateCall(packA, {A, lda, ic, pc, mc, kc, ap});
          emitLoop(b, ceilDiv(b, nc, t_.nr), [&](Value *q) {
            Value *jr = mul(b, q, t_.nr);
            Value *nr = smin(b, b.getInt64(t_.nr), b.CreateSub(nc, jr, "", true, true));
            Value *bPanel = b.CreateInBoundsGEP(elem_, bp, b.CreateMul(jr, kc, "", true, true));
            emitLoop(b, ceilDiv(b, mc, t_.mr), [&](Value *p) {
              Value *ir = mul(b, p, t_.mr);
              Value *mr = smin(b, b.getInt64(t_.mr), b.CreateSub(mc, ir, "", true, true));
              Value *aPanel = b.CreateInBoundsGEP(elem_, ap, b.CreateMul(ir, kc, "", true, true));
              Value *row = b.CreateAdd(ic, ir, "", true, true);
              Value *cTile = b.CreateInBoundsGEP(
                  elem_, C,
                  b.CreateAdd(b.CreateMul(row, ldc, "", true, true),
                              b.CreateAdd(jc, jr, "", true, true), "", true, true));
              b.CreateCall(micro, {kc, aPanel, bPanel, cTile, ldc, mr, nr, accumulate});
            });
          });
          llvm::BasicBlock *finish = llvm::BasicBlock::Create(ctx_, "block.finished", fn);
          llvm::BasicBlock *next = llvm::BasicBlock::Create(ctx_, "block.next", fn);
          b.CreateCondBr(lastK, finish, next);
          b.SetInsertPoint(finish);
          callEpilogue(b, fn, mc, ic, nc, jc);
          b.CreateBr(next);
          b.SetInsertPoint(next);
        });
      });
    });
    b.CreateRetVoid();
    return fn;
  }

private:
  /// An internal function of `params` whose pointer arguments `noaliases`
  /// do not alias; 512-bit vectors stay legal in it on CPUs whose tuning
  /// prefers 256-bit ones.
  llvm::Function *create(const std::string &name, std::vector<llvm::Type *> params,
                         std::vector<unsigned> noaliases) {
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), params, false);
    auto *fn = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, m_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    // Inlined into every kernel that multiplies (and specialised for its
    // shapes), the product's loops would be compiled again for each: a
    // fifth of the seed MLP's build time, for 0-3% of its step time.
    fn->addFnAttr(llvm::Attribute::NoInline);
    fn->addFnAttr("min-legal-vector-width",
                  std::to_string(t_.lanes * elemBytes_ * 8));
    for (unsigned i : noaliases) {
      fn->addParamAttr(i, llvm::Attribute::NoAlias);
      fn->addParamAttr(i, llvm::Attribute::NoCapture);
    }
    return fn;
  }

  static Value *mul(llvm::IRBuilder<> &b, Value *x, int64_t c) {
    return b.CreateMul(x, b.getInt64(c), "", true, true);
  }
  static Value *ceilDiv(llvm::IRBuilder<> &b, Value *x, int64_t c) {
    return b.CreateSDiv(b.CreateAdd(x, b.getInt64(c - 1), "", true, true), b.getInt64(c));
  }
  static Value *smin(llvm::IRBuilder<> &b, Value *x, Value *y) {
    return b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, x, y);
  }
  llvm::Value *loadElem(llvm::IRBuilder<> &b, Value *base, Value *index) {
    return b.CreateLoad(elem_, b.CreateInBoundsGEP(elem_, base, index));
  }
  llvm::Align vectorAlign() const { return llvm::Align(t_.lanes * elemBytes_); }

  /// (A, lda, ic, pc, mc, kc, ap): ap[p*mr*kc + k*mr + r] = op(A)[ic + p*mr
  /// + r, pc + k], zero past row mc; lda is the stored A's row stride.
  llvm::Function *packAFunction(bool transA) {
    std::string name = prefix_ + ".packA" + (transA ? ".t" : ".n");
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *fn = create(name, {ptr_, i64_, i64_, i64_, i64_, i64_, ptr_}, {0, 6});
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", fn));
    Value *A = fn->getArg(0), *lda = fn->getArg(1);
    Value *ic = fn->getArg(2), *pc = fn->getArg(3), *mc = fn->getArg(4),
          *kc = fn->getArg(5), *ap = fn->getArg(6);
    Value *lastRow = b.CreateSub(mc, b.getInt64(1));
    emitLoop(b, ceilDiv(b, mc, t_.mr), [&](Value *p) {
      Value *panel = b.CreateInBoundsGEP(
          elem_, ap, b.CreateMul(mul(b, p, t_.mr), kc, "", true, true));
      if (!transA) {
        // Row i of op(A) is row i of the stored A: a transposing copy.
        transposeCopy(
            b, t_.mr,
            [&](unsigned r) {
              Value *i = b.CreateAdd(mul(b, p, t_.mr), b.getInt64(r), "", true, true);
              Value *row = b.CreateAdd(ic, smin(b, i, lastRow), "", true, true);
              return b.CreateInBoundsGEP(
                  elem_, A,
                  b.CreateAdd(b.CreateMul(row, lda, "", true, true), pc, "", true, true));
            },
            [&](unsigned r) {
              return b.CreateICmpSLT(
                  b.CreateAdd(mul(b, p, t_.mr), b.getInt64(r), "", true, true), mc);
            },
            kc, panel);
        return;
      }
      // The stored A is K x M: the mr values of one k are adjacent, a
      // vector (or two) loaded under a mask of the rows inside the block:
      // the rows past it read nothing and store zero.
      Value *first = mul(b, p, t_.mr);
      Value *valid = smin(b, b.getInt64(t_.mr), b.CreateSub(mc, first, "", true, true));
      Value *zeroVec = llvm::ConstantAggregateZero::get(vec_);
      emitLoop(b, kc, [&](Value *k) {
        Value *src = b.CreateInBoundsGEP(
            elem_, A,
            b.CreateAdd(b.CreateMul(b.CreateAdd(pc, k, "", true, true), lda, "", true, true),
                        b.CreateAdd(ic, first, "", true, true), "", true, true));
        Value *dst = b.CreateInBoundsGEP(elem_, panel, mul(b, k, t_.mr));
        for (unsigned r = 0; r < t_.mr; r += t_.lanes) {
          Value *v = b.CreateMaskedLoad(vec_, b.CreateConstInBoundsGEP1_64(elem_, src, r),
                                        llvm::Align(elemBytes_), laneMask(b, r, valid),
                                        zeroVec);
          Value *at = b.CreateConstInBoundsGEP1_64(elem_, dst, r);
          if (r + t_.lanes <= t_.mr)
            b.CreateAlignedStore(v, at, llvm::Align(elemBytes_));
          else
            b.CreateMaskedStore(v, at, llvm::Align(elemBytes_),
                                laneMask(b, r, b.getInt64(t_.mr)));
        }
      });
    });
    b.CreateRetVoid();
    return fn;
  }

  /// dst[k * rows + i] = row_i[k] for i < rows, k < kc, where row i starts
  /// at rowStart(i) and is read only where rowValid(i) (zero elsewhere):
  /// whole vectors of `lanes` k-values from `lanes` rows at a time, turned
  /// by an in-register transpose into `lanes` vectors of one k each (a
  /// strided element-by-element copy becomes gathers or scatters), then the
  /// last k-values that do not fill a vector one by one.
  void transposeCopy(llvm::IRBuilder<> &b, unsigned rows,
                     const std::function<Value *(unsigned)> &rowStart,
                     const std::function<Value *(unsigned)> &rowValid, Value *kc,
                     Value *dst) {
    const unsigned lanes = t_.lanes;
    Value *vectorK = mul(b, b.CreateSDiv(kc, b.getInt64(lanes)), lanes);
    Value *zeroVec = llvm::ConstantAggregateZero::get(vec_);
    Value *zero = llvm::ConstantFP::get(elem_, 0.0);
    for (unsigned first = 0; first < rows; first += lanes) {
      unsigned count = std::min(lanes, rows - first);
      std::vector<Value *> starts, valids;
      for (unsigned i = 0; i < count; ++i) {
        starts.push_back(rowStart(first + i));
        valids.push_back(rowValid(first + i));
      }
      emitLoop(b, b.CreateSDiv(kc, b.getInt64(lanes)), [&](Value *kb) {
        Value *k0 = mul(b, kb, lanes);
        std::vector<Value *> v(lanes, zeroVec);
        for (unsigned i = 0; i < count; ++i)
          v[i] = b.CreateSelect(
              valids[i],
              b.CreateAlignedLoad(vec_, b.CreateInBoundsGEP(elem_, starts[i], k0),
                                  llvm::Align(elemBytes_)),
              zeroVec);
        transpose(b, v);
        for (unsigned t = 0; t < lanes; ++t) {
          Value *at = b.CreateInBoundsGEP(
              elem_, dst,
              b.CreateAdd(b.CreateMul(b.CreateAdd(k0, b.getInt64(t)), b.getInt64(rows)),
                          b.getInt64(first)));
          if (count == lanes)
            b.CreateAlignedStore(v[t], at, llvm::Align(elemBytes_));
          else
            b.CreateMaskedStore(v[t], at, llvm::Align(elemBytes_),
                                laneMask(b, 0, b.getInt64(count)));
        }
      });
      emitLoop(b, b.CreateSub(kc, vectorK), [&](Value *kk) {
        Value *k = b.CreateAdd(vectorK, kk, "", true, true);
        for (unsigned i = 0; i < count; ++i)
          b.CreateStore(
              b.CreateSelect(valids[i], loadElem(b, starts[i], k), zero),
              b.CreateInBoundsGEP(elem_, dst,
                                  b.CreateAdd(b.CreateMul(k, b.getInt64(rows)),
                                              b.getInt64(first + i))));
      });
    }
  }

  /// Transposes the lanes x lanes matrix whose rows are `v`: at each
  /// distance d (lanes/2, ..., 1) the off-diagonal d x d blocks of every
  /// 2d x 2d block swap places.
  void transpose(llvm::IRBuilder<> &b, std::vector<Value *> &v) {
    const unsigned n = t_.lanes;
    for (unsigned d = n / 2; d >= 1; d /= 2) {
      std::vector<int> upper(n), lower(n);
      for (unsigned l = 0; l < n; ++l) {
        bool high = (l & d) != 0;
        upper[l] = static_cast<int>(high ? n + l - d : l);
        lower[l] = static_cast<int>(high ? n + l : l + d);
      }
      for (unsigned i = 0; i < n; ++i)
        if ((i & d) == 0) {
          Value *a = v[i], *c = v[i + d];
          v[i] = b.CreateShuffleVector(a, c, upper);
          v[i + d] = b.CreateShuffleVector(a, c, lower);
        }
    }
  }

  /// (B, ldb, pc, jc, kc, nc, bp): bp[q*nr*kc + k*nr + c] = op(B)[pc + k,
  /// jc + q*nr + c], zero past column nc; ldb is the stored B's row stride.
  llvm::Function *packBFunction(bool transB) {
    std::string name = prefix_ + ".packB" + (transB ? ".t" : ".n");
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *fn = create(name, {ptr_, i64_, i64_, i64_, i64_, i64_, ptr_}, {0, 6});
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx_, "entry", fn));
    Value *B = fn->getArg(0), *ldb = fn->getArg(1);
    Value *pc = fn->getArg(2), *jc = fn->getArg(3), *kc = fn->getArg(4),
          *nc = fn->getArg(5), *bp = fn->getArg(6);
    Value *lastCol = b.CreateSub(nc, b.getInt64(1));
    Value *zero = llvm::ConstantFP::get(elem_, 0.0);
    emitLoop(b, ceilDiv(b, nc, t_.nr), [&](Value *q) {
      Value *j0 = mul(b, q, t_.nr);
      Value *panel = b.CreateInBoundsGEP(elem_, bp, b.CreateMul(j0, kc, "", true, true));
      if (transB) {
        // Column j of op(B) is row j of the stored B: a transposing copy.
        transposeCopy(
            b, t_.nr,
            [&](unsigned c) {
              Value *col = b.CreateAdd(
                  jc, smin(b, b.CreateAdd(j0, b.getInt64(c), "", true, true), lastCol), "",
                  true, true);
              return b.CreateInBoundsGEP(
                  elem_, B,
                  b.CreateAdd(b.CreateMul(col, ldb, "", true, true), pc, "", true, true));
            },
            [&](unsigned c) {
              return b.CreateICmpSLT(b.CreateAdd(j0, b.getInt64(c), "", true, true), nc);
            },
            kc, panel);
        return;
      }
      // Rows of the stored B are contiguous: whole vectors when the panel
      // is full, element by element at the edge.
      llvm::Function *f = b.GetInsertBlock()->getParent();
      llvm::BasicBlock *full = llvm::BasicBlock::Create(ctx_, "panel.full", f);
      llvm::BasicBlock *edge = llvm::BasicBlock::Create(ctx_, "panel.edge", f);
      llvm::BasicBlock *join = llvm::BasicBlock::Create(ctx_, "panel.done", f);
      b.CreateCondBr(b.CreateICmpSLE(b.CreateAdd(j0, b.getInt64(t_.nr)), nc), full, edge);
      b.SetInsertPoint(full);
      emitLoop(b, kc, [&](Value *k) {
        Value *src = b.CreateInBoundsGEP(
            elem_, B,
            b.CreateAdd(b.CreateMul(b.CreateAdd(pc, k, "", true, true), ldb, "", true, true),
                        b.CreateAdd(jc, j0, "", true, true), "", true, true));
        Value *dst = b.CreateInBoundsGEP(elem_, panel, mul(b, k, t_.nr));
        for (unsigned v = 0; v < t_.nr / t_.lanes; ++v) {
          Value *x = b.CreateAlignedLoad(
              vec_, b.CreateConstInBoundsGEP1_64(elem_, src, v * t_.lanes),
              llvm::Align(elemBytes_));
          b.CreateAlignedStore(x, b.CreateConstInBoundsGEP1_64(elem_, dst, v * t_.lanes),
                               vectorAlign());
        }
      });
      b.CreateBr(join);
      b.SetInsertPoint(edge);
      emitLoop(b, kc, [&](Value *k) {
        Value *rowStart = b.CreateMul(b.CreateAdd(pc, k, "", true, true), ldb, "", true, true);
        for (unsigned c = 0; c < t_.nr; ++c) {
          Value *j = b.CreateAdd(j0, b.getInt64(c), "", true, true);
          Value *col = b.CreateAdd(jc, smin(b, j, lastCol), "", true, true);
          Value *v = b.CreateSelect(b.CreateICmpSLT(j, nc),
                                    loadElem(b, B, b.CreateAdd(rowStart, col)), zero);
          b.CreateStore(v, b.CreateInBoundsGEP(
                               elem_, panel, b.CreateAdd(mul(b, k, t_.nr), b.getInt64(c))));
        }
      });
      b.CreateBr(join);
      b.SetInsertPoint(join);
    });
    b.CreateRetVoid();
    return fn;
  }

  /// (kc, ap, bp, c, ldc, mr, nr, accumulate): the mr x nr tile at c (row
  /// stride ldc) gets, or with `accumulate` gets added, the product of a
  /// packed A panel and a packed B panel over kc.
  llvm::Function *microFunction() {
    std::string name = prefix_ + ".micro";
    if (llvm::Function *existing = m_.getFunction(name))
      return existing;
    llvm::Function *fn = create(name,
                                {i64_, ptr_, ptr_, ptr_, i64_, i64_, i64_,
                                 llvm::Type::getInt1Ty(ctx_)},
                                {1, 2, 3});
    llvm::BasicBlock *entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
    llvm::BasicBlock *loop = llvm::BasicBlock::Create(ctx_, "k", fn);
    llvm::BasicBlock *exit = llvm::BasicBlock::Create(ctx_, "k.done", fn);
    llvm::IRBuilder<> b(entry);
    Value *kc = fn->getArg(0), *ap = fn->getArg(1), *bp = fn->getArg(2),
          *c = fn->getArg(3), *ldc = fn->getArg(4), *mr = fn->getArg(5),
          *nr = fn->getArg(6), *accumulate = fn->getArg(7);
    const unsigned vectors = t_.nr / t_.lanes;
    const unsigned tiles = t_.mr * vectors;
    Value *zero = llvm::ConstantAggregateZero::get(vec_);
    // The tile of C is read or written once the sum is done: ask for its
    // lines now, so that they arrive while the sum runs. (Past the edge of
    // C the addresses are not in bounds, hence plain GEPs: a prefetch never
    // faults.)
    for (unsigned r = 0; r < t_.mr; ++r) {
      Value *row = b.CreateGEP(elem_, c, b.CreateMul(b.getInt64(r), ldc));
      for (unsigned v = 0; v < vectors; ++v)
        b.CreateIntrinsic(llvm::Intrinsic::prefetch, {ptr_},
                          {b.CreateConstGEP1_64(elem_, row, v * t_.lanes),
                           b.getInt32(1), b.getInt32(3), b.getInt32(1)});
    }
    b.CreateCondBr(b.CreateICmpSGT(kc, b.getInt64(0)), loop, exit);

    b.SetInsertPoint(loop);
    llvm::PHINode *k = b.CreatePHI(i64_, 2, "k");
    k->addIncoming(b.getInt64(0), entry);
    std::vector<llvm::PHINode *> acc(tiles);
    for (llvm::PHINode *&a : acc) {
      a = b.CreatePHI(vec_, 2, "acc");
      a->addIncoming(zero, entry);
    }
    Value *bRow = b.CreateInBoundsGEP(elem_, bp, mul(b, k, t_.nr));
    std::vector<Value *> bv(vectors);
    for (unsigned v = 0; v < vectors; ++v)
      bv[v] = b.CreateAlignedLoad(
          vec_, b.CreateConstInBoundsGEP1_64(elem_, bRow, v * t_.lanes), vectorAlign());
    Value *aRow = b.CreateInBoundsGEP(elem_, ap, mul(b, k, t_.mr));
    std::vector<Value *> next(tiles);
    for (unsigned r = 0; r < t_.mr; ++r) {
      Value *a = b.CreateVectorSplat(
          t_.lanes, b.CreateLoad(elem_, b.CreateConstInBoundsGEP1_64(elem_, aRow, r)));
      for (unsigned v = 0; v < vectors; ++v)
        next[r * vectors + v] = b.CreateIntrinsic(
            llvm::Intrinsic::fmuladd, {vec_}, {a, bv[v], acc[r * vectors + v]});
    }
    Value *kNext = b.CreateAdd(k, b.getInt64(1), "", true, true);
    k->addIncoming(kNext, loop);
    for (unsigned i = 0; i < tiles; ++i)
      acc[i]->addIncoming(next[i], loop);
    b.CreateCondBr(b.CreateICmpSLT(kNext, kc), loop, exit);

    b.SetInsertPoint(exit);
    std::vector<Value *> sums(tiles);
    for (unsigned i = 0; i < tiles; ++i) {
      llvm::PHINode *s = b.CreatePHI(vec_, 2, "sum");
      s->addIncoming(zero, entry);
      s->addIncoming(next[i], loop);
      sums[i] = s;
    }

    // Four ways to store: whole tile or masked edge, set or accumulate.
    llvm::BasicBlock *done = llvm::BasicBlock::Create(ctx_, "done", fn);
    llvm::BasicBlock *whole = llvm::BasicBlock::Create(ctx_, "whole", fn);
    llvm::BasicBlock *edge = llvm::BasicBlock::Create(ctx_, "edge", fn);
    Value *isWhole = b.CreateAnd(b.CreateICmpEQ(mr, b.getInt64(t_.mr)),
                                 b.CreateICmpEQ(nr, b.getInt64(t_.nr)));
    b.CreateCondBr(isWhole, whole, edge);
    auto storeTile = [&](llvm::BasicBlock *at, bool masked) {
      b.SetInsertPoint(at);
      llvm::BasicBlock *set = llvm::BasicBlock::Create(ctx_, "set", fn);
      llvm::BasicBlock *add = llvm::BasicBlock::Create(ctx_, "add", fn);
      b.CreateCondBr(accumulate, add, set);
      for (bool adding : {false, true}) {
        b.SetInsertPoint(adding ? add : set);
        for (unsigned r = 0; r < t_.mr; ++r) {
          if (masked && r > 0) {
            // Rows run in order: the first one past mr ends the tile.
            llvm::BasicBlock *rowBlock = llvm::BasicBlock::Create(ctx_, "row", fn);
            b.CreateCondBr(b.CreateICmpSLT(b.getInt64(r), mr), rowBlock, done);
            b.SetInsertPoint(rowBlock);
          }
          Value *row = b.CreateInBoundsGEP(elem_, c, b.CreateMul(b.getInt64(r), ldc));
          for (unsigned v = 0; v < vectors; ++v) {
            Value *at = b.CreateConstInBoundsGEP1_64(elem_, row, v * t_.lanes);
            Value *sum = sums[r * vectors + v];
            llvm::Align align(elemBytes_);
            if (!masked) {
              if (adding)
                sum = b.CreateFAdd(b.CreateAlignedLoad(vec_, at, align), sum);
              b.CreateAlignedStore(sum, at, align);
              continue;
            }
            Value *mask = laneMask(b, v * t_.lanes, nr);
            if (adding)
              sum = b.CreateFAdd(b.CreateMaskedLoad(vec_, at, align, mask, zero), sum);
            b.CreateMaskedStore(sum, at, align, mask);
          }
        }
        b.CreateBr(done);
      }
    };
    storeTile(whole, false);
    storeTile(edge, true);
    b.SetInsertPoint(done);
    b.CreateRetVoid();
    return fn;
  }

  /// Lane l is on when first + l < n.
  Value *laneMask(llvm::IRBuilder<> &b, unsigned first, Value *n) {
    std::vector<llvm::Constant *> lanes;
    for (unsigned l = 0; l < t_.lanes; ++l)
      lanes.push_back(b.getInt64(first + l));
    return b.CreateICmpSLT(llvm::ConstantVector::get(lanes),
                           b.CreateVectorSplat(t_.lanes, n));
  }

  llvm::Module &m_;
  llvm::LLVMContext &ctx_;
  llvm::Type *elem_;
  GemmTiling t_;
  unsigned elemBytes_;
  llvm::FixedVectorType *vec_;
  llvm::PointerType *ptr_;
  llvm::Type *i64_;
  std::string prefix_;
};

} // namespace

GemmTiling::Scratch GemmTiling::scratchFor(int64_t M, int64_t N, int64_t K) const {
  auto roundUp = [](int64_t x, int64_t to) { return (x + to - 1) / to * to; };
  // A part is at most a block; with a dimension known, at most what it
  // needs, rounded up to whole panels. Multiples of 16 elements keep B's
  // panels aligned for whole-vector loads.
  int64_t m = M > 0 ? std::min(mc, roundUp(M, mr)) : mc;
  int64_t k = K > 0 ? std::min(kc, K) : kc;
  int64_t n = N > 0 ? std::min(nc, roundUp(N, nr)) : nc;
  return {roundUp(m * k, 16), roundUp(n * k, 16)};
}

GemmTiling::Scratch matmulScratch(const Kernel &kernel, const GemmTiling &tiling) {
  const ir::Shape &c = kernel.product->shape;
  const ir::Shape &a = kernel.reads[0].first->shape;
  auto known = [](const ir::Dim &d) { return d.isConstant() ? d.constantValue() : 0; };
  return tiling.scratchFor(known(c[0]), known(c[1]), known(kernel.transA ? a[0] : a[1]));
}

GemmTiling gemmTiling(unsigned vectorBits, bool f64) {
  GemmTiling t;
  unsigned bits = vectorBits >= 512 ? 512 : vectorBits >= 256 ? 256 : 128;
  t.lanes = bits / (f64 ? 64 : 32);
  t.nr = 2 * t.lanes;
  // 2 * mr accumulators and the two vectors of B fit in the register file:
  // 32 registers with AVX-512, 16 below it.
  t.mr = bits == 512 ? 12 : 6;
  t.kc = 256;
  // Measured with AVX-512 on one core: 60 rows ran 2048 x 2048 x 2048 about
  // 4% faster than 96, and 512 and 1024 the same or slightly faster.
  t.mc = 60;
  t.nc = 2048;
  t.minRows = 4;
  t.minRowsTransB = 32;
  return t;
}

llvm::Function *gemmFunction(llvm::Module &module, llvm::Type *element,
                             const GemmTiling &tiling, bool transA, bool transB) {
  return GemmEmitter(module, element, tiling).parallel(transA, transB, false);
}

llvm::Function *fewRowsFunction(llvm::Module &module, llvm::Type *element,
                                const GemmTiling &tiling, bool transA, bool transB) {
  return GemmEmitter(module, element, tiling).parallel(transA, transB, true);
}

} // namespace nnc::codegen
