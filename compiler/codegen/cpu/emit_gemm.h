//===- emit_gemm.h - A packed, register-blocked matrix product ------------===//
//
// The matrix product of the CPU back end, generated for the target's vector
// width: BLIS's five loops around a microkernel that keeps an mr x nr tile of
// C in vector registers. Operands are copied ("packed") into the scratch
// memory the entry point provides, so that the microkernel reads both from
// consecutive addresses whatever their layout; a transposed operand costs
// nothing more than a plain one.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/kernels.h"

#include <cstdint>

namespace llvm {
class Function;
class Module;
class Type;
} // namespace llvm

namespace nnc::codegen {

/// The blocking for one vector width and element type. An mr x nr tile of C
/// lives in registers (nr is two vectors); a packed kc x nr sliver of B
/// stays in L1 while the packed mc x kc block of A streams from L2; a packed
/// kc x nc panel of B serves every block of A.
struct GemmTiling {
  unsigned lanes = 4; ///< elements per vector
  unsigned mr = 6, nr = 8;
  int64_t kc = 256, mc = 60, nc = 2048;
  /// Below this many rows of C, packing costs more than it saves (a batch
  /// of one is a matrix-vector product, bound by reading the weights once),
  /// and fewRowsFunction runs instead.
  int64_t minRows = 4;
  /// The same for x W^T (a layer's forward pass), whose few-rows code reads
  /// each row of W once for several rows of x: up to about 32 rows it is
  /// faster than packing all of W (seed MLP: 62 against 97 us at 16 rows).
  int64_t minRowsTransB = 32;
  /// The rows from which a product of this layout is packed.
  int64_t packedFrom(bool transA, bool transB) const {
    return transB && !transA ? minRowsTransB : minRows;
  }
  /// Elements of scratch memory per thread for a product of M x K by K x N
  /// (a dimension not known when compiling is 0): the packed block of A,
  /// then that of B, each no larger than the operand needs.
  struct Scratch {
    int64_t a = 0, b = 0;
    int64_t total() const { return a + b; }
  };
  Scratch scratchFor(int64_t M, int64_t N, int64_t K) const;
};

/// The scratch a MatMul kernel needs per thread, from its shapes.
GemmTiling::Scratch matmulScratch(const Kernel &kernel, const GemmTiling &tiling);

/// The tiling for vectors of `vectorBits` bits (128, 256 or 512) of float32
/// or (with `f64`) float64 elements.
GemmTiling gemmTiling(unsigned vectorBits, bool f64);

/// `void(ptr ctx, i64 M, i64 N, i64 K, ptr A, ptr B, ptr C, ptr scratch,
/// i64 aElements, i64 perThread, ptr epilogue, ptr epilogueData)`: C =
/// op(A) op(B), C row-major M x N; A is M x K row-major, or with `transA`
/// stored K x M; B is K x N, or with `transB` stored N x K. `scratch` holds
/// perThread = scratchFor(M, N, K).total() elements per thread of `ctx`,
/// aligned to 64 bytes, aElements = scratchFor(...).a. When `epilogue` is
/// not null, `void epilogue(epilogueData, i64 row, i64 rows, i64 col,
/// i64 cols)` is called on every block of C once it holds its product, by
/// the thread that computed it, each element once: it rewrites the block in
/// place. Emitted into `module` once per (element, transA, transB) and
/// reused.
llvm::Function *gemmFunction(llvm::Module &module, llvm::Type *element,
                             const GemmTiling &tiling, bool transA, bool transB);

/// The same signature and result for fewer than tiling.minRows rows, without
/// packing: each operand is read once (a batch of one is a matrix-vector
/// product, bound by reading the weights), a row of A against 8 rows of a
/// transposed B at a time; the columns split between the context's threads.
llvm::Function *fewRowsFunction(llvm::Module &module, llvm::Type *element,
                                const GemmTiling &tiling, bool transA, bool transB);

} // namespace nnc::codegen
