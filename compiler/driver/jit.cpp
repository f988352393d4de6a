//===- jit.cpp - `nnc run`: the model's code through LLVM's ORC JIT -------===//
//
// LLJIT for the host CPU at the aggressive code-generation level (the module
// is already optimised by the O3 pipeline, as for `nnc build`). The kernels
// call libm (expf, tanhf, ...), which the JIT resolves from this process.
// The training symbols exist only for models with a train block; their
// absence leaves the pointers null, as the weak references of a linked
// executable do.
//
//===----------------------------------------------------------------------===//
#include "driver/jit.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>

namespace nnc::driver {

JitModel::~JitModel() = default;

void *JitModel::lookup(const std::string &name) const {
  auto address = jit_->lookup(name);
  if (!address) {
    llvm::consumeError(address.takeError());
    return nullptr;
  }
  return address->toPtr<void *>();
}

std::unique_ptr<JitModel>
JitModel::create(std::unique_ptr<llvm::Module> module,
                 std::unique_ptr<llvm::LLVMContext> context, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto fail = [&](llvm::Error e) -> std::unique_ptr<JitModel> {
    error = "JIT: " + llvm::toString(std::move(e));
    return nullptr;
  };
  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine)
    return fail(machine.takeError());
  machine->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*machine))
                 .create();
  if (!jit)
    return fail(jit.takeError());
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return fail(process.takeError());
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  module->setDataLayout((*jit)->getDataLayout());
  if (llvm::Error e = (*jit)->addIRModule(
          llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    return fail(std::move(e));

  std::unique_ptr<JitModel> result(new JitModel);
  auto find = [&](const char *name, bool required) -> void * {
    auto address = (*jit)->lookup(name);
    if (!address) {
      if (required)
        error = "JIT: " + llvm::toString(address.takeError());
      else
        llvm::consumeError(address.takeError());
      return nullptr;
    }
    return address->toPtr<void *>();
  };
  nnrt::ModelCode &code = result->code_;
  code.manifest = static_cast<const char *>(find("nnc_model_manifest", true));
  code.workspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      find("nnc_model_forward_workspace", true));
  code.forward = reinterpret_cast<nnrt::ModelCode::EvaluateFn>(
      find("nnc_model_forward", true));
  if (!code.manifest || !code.workspace || !code.forward)
    return nullptr;
  code.evaluateWorkspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      find("nnc_model_evaluate_workspace", false));
  code.evaluate = reinterpret_cast<nnrt::ModelCode::EvaluateFn>(
      find("nnc_model_evaluate", false));
  code.trainWorkspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      find("nnc_model_train_workspace", false));
  code.trainStep = reinterpret_cast<nnrt::ModelCode::TrainStepFn>(
      find("nnc_model_train_step", false));
  result->jit_ = std::move(*jit);
  return result;
}

} // namespace nnc::driver
