//===- emit_llvm.h - Kernels to LLVM IR, and LLVM IR to object code -------===//
//
// The only place (with the GPU backend) that knows LLVM. Each kernel becomes
// an internal function whose buffer arguments are `noalias`, so that LLVM's
// vectoriser may assume the buffers do not overlap (they never do: the
// kernel level gives every materialised value its own buffer).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/backend.h"
#include "codegen/cpu/cpu_target.h"
#include "codegen/kernel/kernels.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace nnc::codegen {

/// Builds the module that defines the model descriptor `<prefix>_model` of
/// runtime/include/nnrt_model.h and everything it points to (the training
/// entry points only when the programs have training code), for a CPU
/// described by `target`.
std::unique_ptr<llvm::Module> emitModule(const ModelPrograms &programs,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context,
                                         const CpuTarget &target,
                                         const std::string &prefix = kDefaultSymbolPrefix);

/// The same without hooked variants (their descriptor entries are null),
/// for tests of the code of single programs.
std::unique_ptr<llvm::Module> emitModule(const KernelProgram &forward,
                                         const TrainingCode *training,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context,
                                         const CpuTarget &target,
                                         const std::string &prefix = kDefaultSymbolPrefix);

/// A position-independent TargetMachine for `cpu`: "native" is this
/// machine's CPU with the features it has (AVX-512 where there is one); any
/// other name is an LLVM x86 CPU (x86-64, x86-64-v3, x86-64-v4,
/// skylake-avx512, znver4, ...) with that CPU's features. Returns nullptr and
/// sets `error` for an unknown name or a failure.
std::unique_ptr<llvm::TargetMachine> cpuTargetMachine(const std::string &cpu,
                                                      std::string &error);
/// cpuTargetMachine("native").
std::unique_ptr<llvm::TargetMachine> hostTargetMachine(std::string &error);

/// What the emitters need to know of `machine`'s CPU.
CpuTarget cpuTarget(const llvm::TargetMachine &machine);

/// Those of `names` (LLVM feature names) that code for `machine` may use.
std::vector<std::string>
enabledFeatures(const llvm::TargetMachine &machine,
                const std::vector<std::string> &names);

/// Runs LLVM's O3 pipeline for `machine` over `module`.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine);

/// Writes `module` as an object file. Returns false and sets `error` on
/// failure.
bool writeObject(llvm::Module &module, llvm::TargetMachine &machine,
                 const std::string &path, std::string &error);

} // namespace nnc::codegen
