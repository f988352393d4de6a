//===- emit_llvm.h - Kernels to LLVM IR, and LLVM IR to object code -------===//
//
// The only place (with the GPU backend) that knows LLVM. Each kernel becomes
// an internal function whose buffer arguments are `noalias`, so that LLVM's
// vectoriser may assume the buffers do not overlap (they never do: the
// kernel level gives every materialised value its own buffer).
//
//===----------------------------------------------------------------------===//
#pragma once

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

/// The kernel programs of a model that trains, and where the training
/// step's gradients go.
struct TrainingCode {
  /// Outputs: the model's outputs, then the loss.
  KernelProgram evaluate;
  /// Outputs: the model's outputs, the loss, then one gradient per trainable
  /// tensor; the first `tableOutputs` go to the caller's output table.
  KernelProgram trainStep;
  int tableOutputs = 0;
  std::vector<int64_t> gradOffsets; ///< per gradient: its arena offset
  /// [begin, end) element ranges of the arena the optimizer updates.
  std::vector<std::pair<int64_t, int64_t>> updateRanges;
  int64_t arenaElements = 0;
};

/// The symbol prefix of a model built without `--prefix`: its descriptor is
/// `nnc_model`, the one an executable's runtime links to.
inline constexpr const char *kDefaultSymbolPrefix = "nnc";

/// Builds the module that defines the model descriptor `<prefix>_model` of
/// runtime/include/nnrt_model.h and everything it points to (the training
/// entry points only when `training` is given), for a CPU described by
/// `target`.
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
