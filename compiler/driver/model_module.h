//===- model_module.h - A checked model as LLVM code, on disk or in memory -===//
//
// The step every command that makes code shares: the kernel programs of the
// model (forward, training, their hooked variants) emitted by a backend as
// one verified LLVM module with the manifest, then either written (`nnc
// build`) or compiled in memory by the JIT (`nnc run`, `nnc explore`).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/backend.h"
#include "codegen/kernel/arena.h"
#include "codegen/kernel/kernels.h"
#include "driver/jit.h"
#include "sema/model.h"

#include <memory>
#include <ostream>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace nnc::driver {

/// The model's LLVM module (forward, and the training entry points when it
/// trains), verified, before optimisation. `recordTarget`: the manifest
/// names the CPU and the extensions the code may use, which the runtime
/// checks before running it (not needed for code compiled in memory for
/// this machine). Null after an internal error, reported on `err`.
std::unique_ptr<llvm::Module>
rawModule(const sema::Model &model, const codegen::ArenaLayout &arena,
          const codegen::ModelPrograms &programs, llvm::LLVMContext &context,
          const codegen::Backend &backend, bool recordTarget, const std::string &prefix,
          std::ostream &err);

/// The model compiled in memory for this machine with the default symbol
/// prefix, optimised, ready to run. Null after an error, reported on `err`;
/// `status` is then the exit status to return (2 for an internal error).
std::unique_ptr<JitModel> jitCompile(const sema::Model &model, const codegen::ArenaLayout &arena,
                                     const codegen::Backend &backend, std::ostream &err,
                                     int &status);

} // namespace nnc::driver
