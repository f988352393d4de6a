//===- cpu_backend.h - The backend for x86-64 CPUs ------------------------===//
#pragma once

#include "codegen/backend.h"
#include "codegen/cpu/cpu_target.h"

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace nnc::codegen {

/// Code for one x86-64 CPU, through LLVM's X86 back end (emit_llvm.h).
class CpuBackend final : public Backend {
public:
  explicit CpuBackend(std::unique_ptr<llvm::TargetMachine> machine);
  ~CpuBackend() override;

  std::string name() const override { return "cpu"; }
  TargetDescription describe(const std::vector<std::string> &knownFeatures) const override;
  std::unique_ptr<llvm::Module> emit(const ModelPrograms &programs, const std::string &manifest,
                                     llvm::LLVMContext &context,
                                     const std::string &prefix) const override;
  void optimize(llvm::Module &module) const override;
  bool writeObject(llvm::Module &module, const std::string &path,
                   std::string &error) const override;

  /// What the emitters know of the CPU.
  const CpuTarget &target() const { return target_; }

private:
  std::unique_ptr<llvm::TargetMachine> machine_;
  CpuTarget target_;
};

} // namespace nnc::codegen
