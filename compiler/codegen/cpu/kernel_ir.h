//===- kernel_ir.h - What every backend's kernel emitter builds IR with ----===//
//
// A kernel's LLVM IR, whatever runs it, computes the same things: the
// values of symbolic dimensions, row-major and broadcast strides, element
// addresses, and the fused scalar expression of ops.def's emitters. The CPU
// emitter (emit_kernels.cpp) and the GPU one (codegen/cuda/gpu_kernels.cpp)
// derive from this and differ only in how they walk the elements.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/kernels.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <map>
#include <string>
#include <vector>

namespace nnc::codegen {

class KernelIR {
protected:
  KernelIR(llvm::Module &m, const KernelProgram &p, const Kernel &k);

  /// `d` with the symbols' values of symbols_ (set them first).
  llvm::Value *dim(const ir::Dim &d);
  llvm::Value *numel(const ir::Shape &shape) { return dim(ir::numElements(shape)); }
  std::vector<llvm::Value *> extents(const ir::Shape &shape);
  /// Row-major strides of `shape`.
  std::vector<llvm::Value *> strides(const ir::Shape &shape);
  /// Strides to read a tensor of `shape` broadcast to a result of rank
  /// `rank`: 0 along a broadcast dimension.
  std::vector<llvm::Value *> broadcastStrides(const ir::Shape &shape, size_t rank);
  llvm::Value *dot(const std::vector<llvm::Value *> &idx, const std::vector<llvm::Value *> &s);
  llvm::Value *load(llvm::Value *base, llvm::Value *index);
  void store(llvm::Value *v, llvm::Value *base, llvm::Value *index);
  /// The value of `n`, from `values` (leaves, constants, what is computed
  /// already) and the scalar emitters.
  llvm::Value *scalar(const ir::Node *n, std::map<const ir::Node *, llvm::Value *> &values);

  llvm::Module &m_;
  const KernelProgram &p_;
  const Kernel &k_;
  llvm::IRBuilder<> b_;
  llvm::Type *elem_ = nullptr; ///< float, or double for F64 programs
  std::map<std::string, llvm::Value *> symbols_;
  std::vector<const ir::Node *> constants_; ///< kernelConstants(k_)
};

} // namespace nnc::codegen
