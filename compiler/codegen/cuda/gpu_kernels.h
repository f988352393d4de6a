//===- gpu_kernels.h - One NVPTX kernel per kernel of the program ----------===//
//
// The GPU form of a kernel (codegen/kernel/kernels.h): a `__global__`
// function `(out, read0, read1, ..., const0, ..., sym0, ...)` in which each
// thread computes output elements in a grid-stride loop, so that any grid
// covers any size. Every value is computed by one thread in a fixed order
// (a matrix product's k loop, a reduction's loop over the reduced
// elements), so the results do not depend on the launch configuration and
// a training step is deterministic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/kernels.h"

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include <functional>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>

namespace nnc::codegen {

/// Where a kernel's threads find their indices.
enum class ThreadIndices {
  Nvptx,     ///< PTX's special registers: a kernel entry of an NVPTX module
  Arguments, ///< four more i64 arguments, (blockIdx.x, blockDim.x, threadIdx.x,
             ///< gridDim.x): a plain function, so that tests run the GPU's code
             ///< on the host thread by thread
};

/// A function `name(params..., [4 thread indices])` of `module`, void, its
/// pointer parameters (the first `pointers`) noalias: a kernel entry for
/// Nvptx; the builder is left in its entry block.
llvm::Function *createGpuKernelFunction(llvm::Module &module, const std::string &name,
                                        std::vector<llvm::Type *> params, size_t pointers,
                                        ThreadIndices indices);

/// for (i = first + blockIdx.x * blockDim.x + threadIdx.x; i < end; i += gridDim.x *
/// blockDim.x) body(i), in `fn` (made by createGpuKernelFunction) at the
/// builder's place, which it leaves after the loop.
void emitGridStrideLoop(llvm::IRBuilder<> &b, llvm::Function *fn, ThreadIndices indices,
                        llvm::Value *first, llvm::Value *end,
                        const std::function<void(llvm::Value *)> &body);

/// Emits `kernel` of `program` as the kernel function `name` of `module`
/// (for Nvptx an NVPTX module, marked as a kernel entry). Hook kernels have
/// no code.
llvm::Function *emitGpuKernel(llvm::Module &module, const KernelProgram &program,
                              const Kernel &kernel, const std::string &name,
                              ThreadIndices indices = ThreadIndices::Nvptx);

} // namespace nnc::codegen
