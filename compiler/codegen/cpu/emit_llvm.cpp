//===- emit_llvm.cpp - The model's module: entry points, manifest, object -===//
//
// Emits the symbols of runtime/include/nnrt_model.h: each entry point with
// its workspace-size function (emit_entry.cpp; the kernels equal across
// entry points are emitted once), and nnc_model_manifest, the JSON
// manifest; then optimises and writes object code for the host.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "codegen/cpu/emit_entry.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

namespace nnc::codegen {

std::unique_ptr<llvm::Module> emitModule(const KernelProgram &forward,
                                         const TrainingCode *training,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context,
                                         const CpuTarget &target) {
  auto module = std::make_unique<llvm::Module>("nnc_model", context);
  llvm::Constant *text = llvm::ConstantDataArray::getString(context, manifest, true);
  auto *global = new llvm::GlobalVariable(*module, text->getType(), true,
                                          llvm::GlobalValue::ExternalLinkage,
                                          text, "nnc_model_manifest");
  global->setAlignment(llvm::Align(1));
  KernelThunks thunks;
  emitEntryPoint(*module, forward, "nnc_model_forward",
                 "nnc_model_forward_workspace", thunks, nullptr, target);
  if (training) {
    emitEntryPoint(*module, training->evaluate, "nnc_model_evaluate",
                   "nnc_model_evaluate_workspace", thunks, nullptr, target);
    emitEntryPoint(*module, training->trainStep, "nnc_model_train_step",
                   "nnc_model_train_workspace", thunks, training, target);
  }
  return module;
}

std::unique_ptr<llvm::TargetMachine> cpuTargetMachine(const std::string &cpu,
                                                      std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string name = cpu;
  llvm::SubtargetFeatures features;
  if (cpu == "native") {
    name = llvm::sys::getHostCPUName().str();
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature, enabled);
  } else {
    // Checked first: LLVM itself only warns on stderr and builds generic code.
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!info || !info->isCPUStringValid(cpu)) {
      error = "`" + cpu + "` is not a CPU this nnc knows; use native (the "
              "default), x86-64, x86-64-v2, x86-64-v3, x86-64-v4 or an LLVM "
              "CPU name such as skylake-avx512 or znver4";
      return nullptr;
    }
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, name, features.getString(), options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot create a target machine for " + triple + " (" + name + ")";
  return machine;
}

std::unique_ptr<llvm::TargetMachine> hostTargetMachine(std::string &error) {
  return cpuTargetMachine("native", error);
}

CpuTarget cpuTarget(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  CpuTarget target;
  if (info->checkFeatures("+avx512f"))
    target.vectorBits = 512;
  else if (info->checkFeatures("+avx"))
    target.vectorBits = 256;
  return target;
}

std::vector<std::string>
enabledFeatures(const llvm::TargetMachine &machine,
                const std::vector<std::string> &names) {
  const llvm::MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  std::vector<std::string> enabled;
  for (const std::string &name : names)
    if (info->checkFeatures("+" + name))
      enabled.push_back(name);
  return enabled;
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(module, mam);
}

bool writeObject(llvm::Module &module, llvm::TargetMachine &machine,
                 const std::string &path, std::string &error) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write `" + path + "`: " + ec.message();
    return false;
  }
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, out, nullptr,
                                  llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  passes.run(module);
  out.flush();
  return true;
}

} // namespace nnc::codegen
