//===- backends.cpp - The backend for each `--target` ---------------------===//
#include "codegen/backend.h"
#include "codegen/cpu/cpu_backend.h"
#include "codegen/cpu/emit_llvm.h"

#include <llvm/Target/TargetMachine.h>

namespace nnc::codegen {

std::unique_ptr<Backend> makeBackend(const std::string &target, const std::string &cpu,
                                     std::string &error) {
  if (target != "cpu") {
    error = "target `" + target + "` is not supported yet; this nnc builds for `cpu`";
    return nullptr;
  }
  std::string why;
  std::unique_ptr<llvm::TargetMachine> machine = cpuTargetMachine(cpu, why);
  if (!machine) {
    error = "--target-cpu: " + why;
    return nullptr;
  }
  return std::make_unique<CpuBackend>(std::move(machine));
}

} // namespace nnc::codegen
