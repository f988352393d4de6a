//===- cpu_backend.cpp - The backend for x86-64 CPUs ----------------------===//
#include "codegen/cpu/cpu_backend.h"
#include "codegen/cpu/emit_llvm.h"

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace nnc::codegen {

CpuBackend::CpuBackend(std::unique_ptr<llvm::TargetMachine> machine)
    : machine_(std::move(machine)), target_(cpuTarget(*machine_)) {}

CpuBackend::~CpuBackend() = default;

TargetDescription
CpuBackend::describe(const std::vector<std::string> &knownFeatures) const {
  return {machine_->getTargetCPU().str(), enabledFeatures(*machine_, knownFeatures)};
}

std::unique_ptr<llvm::Module> CpuBackend::emit(const ModelPrograms &programs,
                                               const std::string &manifest,
                                               llvm::LLVMContext &context,
                                               const std::string &prefix) const {
  return emitModule(programs, manifest, context, target_, prefix);
}

void CpuBackend::optimize(llvm::Module &module) const { optimizeModule(module, *machine_); }

bool CpuBackend::writeObject(llvm::Module &module, const std::string &path,
                             std::string &error) const {
  return codegen::writeObject(module, *machine_, path, error);
}

} // namespace nnc::codegen
