//===- ptx.cpp - The model's kernels as PTX, through LLVM's NVPTX backend --===//
//
// The math the scalar emitters produce for the CPU (llvm.exp and llvm.log,
// calls of tanhf and erff) has no PTX instruction: it is mapped to
// libdevice's __nv_* functions, libdevice is linked (only what is used),
// its __nvvm_reflect queries are resolved by the NVPTX pipeline (no
// flush-to-zero: the CPU's results are the reference), and LLVM's O3 runs
// before PTX is printed.
//
//===----------------------------------------------------------------------===//
#include "codegen/cuda/ptx.h"
#include "codegen/cpu/emit_llvm.h"
#include "codegen/cuda/gpu_kernels.h"
#include "codegen/cuda/gpu_update.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Linker/Linker.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdlib>
#include <map>
#include <mutex>

extern "C" void LLVMInitializeNVPTXTargetInfo();
extern "C" void LLVMInitializeNVPTXTarget();
extern "C" void LLVMInitializeNVPTXTargetMC();
extern "C" void LLVMInitializeNVPTXAsmPrinter();

namespace nnc::codegen {
namespace {

constexpr const char *kTriple = "nvptx64-nvidia-cuda";

std::unique_ptr<llvm::TargetMachine> nvptxMachine(const GpuArch &arch, std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kTriple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions options;
  std::string features = "+ptx" + std::to_string(arch.ptxVersion);
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      kTriple, arch.name, features, options, std::nullopt, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot create an NVPTX target machine for " + arch.name;
  return machine;
}

/// The libdevice function computing what `name` (a libm function or an
/// LLVM intrinsic's base name) computes, for float or double.
std::string libdeviceName(const std::string &name, bool isFloat) {
  static const std::map<std::string, std::string> names = {
      {"exp", "exp"}, {"log", "log"}, {"tanh", "tanh"}, {"erf", "erf"},
      {"expf", "exp"}, {"logf", "log"}, {"tanhf", "tanh"}, {"erff", "erf"}};
  auto it = names.find(name);
  if (it == names.end())
    return "";
  return "__nv_" + it->second + (isFloat ? "f" : "");
}

/// Replaces the calls of llvm.exp, llvm.log, tanhf, erff (and their double
/// forms) by calls of libdevice's functions.
void mapMathToLibdevice(llvm::Module &module) {
  std::vector<llvm::CallInst *> calls;
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &block : f)
      for (llvm::Instruction &inst : block)
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
          calls.push_back(call);
  for (llvm::CallInst *call : calls) {
    llvm::Function *callee = call->getCalledFunction();
    if (!callee || call->arg_size() != 1)
      continue;
    std::string name;
    if (callee->getIntrinsicID() == llvm::Intrinsic::exp)
      name = "exp";
    else if (callee->getIntrinsicID() == llvm::Intrinsic::log)
      name = "log";
    else if (!callee->isIntrinsic())
      name = callee->getName().str();
    std::string target = libdeviceName(name, call->getType()->isFloatTy());
    if (target.empty())
      continue;
    llvm::FunctionCallee fn = module.getOrInsertFunction(
        target, llvm::FunctionType::get(call->getType(), {call->getType()}, false));
    llvm::IRBuilder<> b(call);
    llvm::CallInst *replacement = b.CreateCall(fn, {call->getArgOperand(0)});
    call->replaceAllUsesWith(replacement);
    call->eraseFromParent();
  }
}

bool linkLibdevice(llvm::Module &module, const std::string &cudaDir, std::string &error) {
  std::string path = cudaDir + "/nvvm/libdevice/libdevice.10.bc";
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot read CUDA's libdevice `" + path + "`: " + buffer.getError().message() +
            " (set NNC_CUDA_PATH to the CUDA toolkit's folder)";
    return false;
  }
  llvm::Expected<std::unique_ptr<llvm::Module>> libdevice =
      llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), module.getContext());
  if (!libdevice) {
    error = path + ": " + llvm::toString(libdevice.takeError());
    return false;
  }
  (*libdevice)->setTargetTriple(module.getTargetTriple());
  (*libdevice)->setDataLayout(module.getDataLayout());
  if (llvm::Linker::linkModules(module, std::move(*libdevice), llvm::Linker::LinkOnlyNeeded)) {
    error = path + ": cannot link libdevice";
    return false;
  }
  // Only the kernels are entry points: the rest may be inlined and dropped.
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && f.getCallingConv() != llvm::CallingConv::PTX_Kernel)
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  return true;
}

} // namespace

std::vector<std::string> defaultGpuArchs() { return {"sm_80", "sm_90"}; }

std::optional<GpuArch> gpuArch(const std::string &name, std::string &error) {
  // The oldest PTX ISA that knows the architecture, and at least 7.0 (the
  // NaN-propagating max and min of torch.maximum).
  static const std::map<std::string, int> known = {
      {"sm_70", 70}, {"sm_75", 70}, {"sm_80", 70}, {"sm_86", 71},
      {"sm_87", 74}, {"sm_89", 78}, {"sm_90", 78}};
  auto it = known.find(name);
  if (it == known.end()) {
    error = "--gpu-arch: `" + name + "` is not a GPU architecture this nnc knows; use sm_70, "
            "sm_75, sm_80, sm_86, sm_87, sm_89 or sm_90";
    return std::nullopt;
  }
  return GpuArch{name, it->second};
}

std::string cudaDirectory() {
  for (const char *var : {"NNC_CUDA_PATH", "CUDA_HOME"})
    if (const char *v = std::getenv(var); v && *v)
      return v;
  return "/usr/local/cuda";
}

bool emitPtx(const ModelPrograms &programs, const GpuArch &arch, const std::string &cudaDir,
             const std::string &prefix, std::string &ptx, std::string &error,
             std::string *llvmIr) {
  std::unique_ptr<llvm::TargetMachine> machine = nvptxMachine(arch, error);
  if (!machine)
    return false;
  llvm::LLVMContext context;
  auto module = std::make_unique<llvm::Module>(prefix + "_kernels", context);
  module->setTargetTriple(kTriple);
  module->setDataLayout(machine->createDataLayout());
  // Each distinct kernel once, over every program.
  std::map<KernelKey, int> seen;
  std::vector<const KernelProgram *> all = {&programs.forward, &programs.forwardHooked};
  for (const std::optional<TrainingCode> *t : {&programs.training, &programs.trainingHooked})
    if (*t) {
      all.push_back(&(*t)->evaluate);
      all.push_back(&(*t)->trainStep);
    }
  for (const KernelProgram *p : all)
    for (const Kernel &k : p->kernels) {
      if (k.kind == Kernel::Hook)
        continue;
      KernelKey key = kernelKey(*p, k);
      if (seen.count(key))
        continue;
      int index = int(seen.size());
      seen.emplace(std::move(key), index);
      emitGpuKernel(*module, *p, k, prefix + "_kernel" + std::to_string(index));
    }
  if (programs.training)
    emitGpuUpdate(*module, prefix + "_update");
  mapMathToLibdevice(*module);
  std::string verifyText;
  llvm::raw_string_ostream verifyOut(verifyText);
  if (llvm::verifyModule(*module, &verifyOut)) {
    error = "internal compiler error: invalid NVPTX IR:\n" + verifyText;
    return false;
  }
  if (!linkLibdevice(*module, cudaDir, error))
    return false;
  optimizeModule(*module, *machine);
  if (llvmIr) {
    llvm::raw_string_ostream irOut(*llvmIr);
    module->print(irOut, nullptr);
  }
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream out(text);
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, out, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    error = "the NVPTX target cannot print PTX";
    return false;
  }
  passes.run(*module);
  ptx.assign(text.begin(), text.end());
  return true;
}

} // namespace nnc::codegen
