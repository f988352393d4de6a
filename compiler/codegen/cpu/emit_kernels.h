//===- emit_kernels.h - One LLVM function per kernel ----------------------===//
#pragma once

#include "codegen/cpu/cpu_target.h"
#include "codegen/kernel/kernels.h"

#include <llvm/IR/Function.h>

namespace nnc::codegen {

/// Emits `kernel` as an internal function `name` in `module`.
llvm::Function *emitKernel(llvm::Module &module, const KernelProgram &program,
                           const Kernel &kernel, const std::string &name,
                           const CpuTarget &target);

} // namespace nnc::codegen
