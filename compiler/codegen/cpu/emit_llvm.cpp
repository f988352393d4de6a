//===- emit_llvm.cpp - The model's module: entry points, manifest, object -===//
//
// Emits the model of runtime/include/nnrt_model.h: each entry point with
// its workspace-size function (emit_entry.cpp; the kernels equal across
// entry points are emitted once), the JSON manifest, and the descriptor
// `<prefix>_model` that points to them, the module's one external symbol;
// then optimises and writes object code.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "codegen/cpu/emit_entry.h"
#include "nnrt_model.h"

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

// The descriptor is emitted as {i32, i32, ptr x 13}: the struct of
// nnrt_model.h must have that layout.
static_assert(offsetof(nnc_model_descriptor, abi_version) == 0 &&
              offsetof(nnc_model_descriptor, manifest) == 8 &&
              offsetof(nnc_model_descriptor, forward_workspace) == 16 &&
              offsetof(nnc_model_descriptor, forward) == 24 &&
              offsetof(nnc_model_descriptor, evaluate_workspace) == 32 &&
              offsetof(nnc_model_descriptor, evaluate) == 40 &&
              offsetof(nnc_model_descriptor, train_workspace) == 48 &&
              offsetof(nnc_model_descriptor, train_step) == 56 &&
              offsetof(nnc_model_descriptor, forward_hooked_workspace) == 64 &&
              offsetof(nnc_model_descriptor, forward_hooked) == 72 &&
              offsetof(nnc_model_descriptor, evaluate_hooked_workspace) == 80 &&
              offsetof(nnc_model_descriptor, evaluate_hooked) == 88 &&
              offsetof(nnc_model_descriptor, train_hooked_workspace) == 96 &&
              offsetof(nnc_model_descriptor, train_step_hooked) == 104 &&
              sizeof(nnc_model_descriptor) == 112,
              "nnc_model_descriptor's layout changed: update emitModule");

namespace {

std::unique_ptr<llvm::Module>
emitDescriptor(const KernelProgram &forward, const TrainingCode *training,
               const KernelProgram *forwardHooked, const TrainingCode *trainingHooked,
               const std::string &manifest, llvm::LLVMContext &context,
               const CpuTarget &target, const std::string &prefix) {
  auto module = std::make_unique<llvm::Module>(prefix + "_model", context);
  llvm::Constant *text = llvm::ConstantDataArray::getString(context, manifest, true);
  auto *global = new llvm::GlobalVariable(*module, text->getType(), true,
                                          llvm::GlobalValue::InternalLinkage,
                                          text, prefix + "_manifest");
  global->setAlignment(llvm::Align(1));
  KernelThunks thunks;
  // In the descriptor's order: forward, evaluate, train_step, then hooked.
  EntryFunctions entries[6];
  auto emitAll = [&](EntryFunctions *at, const KernelProgram &fwd, const TrainingCode *train,
                     const std::string &suffix) {
    at[0] = emitEntryPoint(*module, fwd, prefix + "_forward" + suffix,
                           prefix + "_forward" + suffix + "_workspace", thunks, nullptr,
                           target);
    if (!train)
      return;
    at[1] = emitEntryPoint(*module, train->evaluate, prefix + "_evaluate" + suffix,
                           prefix + "_evaluate" + suffix + "_workspace", thunks, nullptr,
                           target);
    at[2] = emitEntryPoint(*module, train->trainStep, prefix + "_train_step" + suffix,
                           prefix + "_train" + suffix + "_workspace", thunks, train, target);
  };
  emitAll(entries, forward, training, "");
  if (forwardHooked)
    emitAll(entries + 3, *forwardHooked, trainingHooked, "_hooked");
  auto *ptr = llvm::PointerType::getUnqual(context);
  auto *i32 = llvm::Type::getInt32Ty(context);
  std::vector<llvm::Type *> fields = {i32, i32};
  fields.insert(fields.end(), 13, ptr);
  auto *type = llvm::StructType::get(context, fields);
  auto pointer = [&](llvm::Constant *c) {
    return c ? c : llvm::ConstantPointerNull::get(ptr);
  };
  std::vector<llvm::Constant *> values = {
      llvm::ConstantInt::get(i32, NNC_MODEL_ABI_VERSION), llvm::ConstantInt::get(i32, 0),
      global};
  for (const EntryFunctions &e : entries) {
    values.push_back(pointer(e.workspace));
    values.push_back(pointer(e.entry));
  }
  auto *descriptor = new llvm::GlobalVariable(
      *module, type, true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(type, values), prefix + "_model");
  descriptor->setAlignment(llvm::Align(8));
  return module;
}

} // namespace

std::unique_ptr<llvm::Module> emitModule(const ModelPrograms &programs,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context,
                                         const CpuTarget &target,
                                         const std::string &prefix) {
  return emitDescriptor(programs.forward, programs.training ? &*programs.training : nullptr,
                        &programs.forwardHooked,
                        programs.trainingHooked ? &*programs.trainingHooked : nullptr,
                        manifest, context, target, prefix);
}

std::unique_ptr<llvm::Module> emitModule(const KernelProgram &forward,
                                         const TrainingCode *training,
                                         const std::string &manifest,
                                         llvm::LLVMContext &context,
                                         const CpuTarget &target,
                                         const std::string &prefix) {
  return emitDescriptor(forward, training, nullptr, nullptr, manifest, context, target,
                        prefix);
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
