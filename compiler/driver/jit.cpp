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

  // The first lookup compiles the module: its errors (an unresolved symbol)
  // are worth reporting whole.
  auto manifest = (*jit)->lookup("nnc_model_manifest");
  if (!manifest)
    return fail(manifest.takeError());
  std::unique_ptr<JitModel> result(new JitModel);
  result->jit_ = std::move(*jit);
  const JitModel &m = *result;
  nnrt::ModelCode &code = result->code_;
  code.manifest = manifest->toPtr<const char *>();
  code.workspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      m.lookup("nnc_model_forward_workspace"));
  code.forward = reinterpret_cast<nnrt::ModelCode::EvaluateFn>(
      m.lookup("nnc_model_forward"));
  if (!code.manifest || !code.workspace || !code.forward) {
    error = "JIT: the module lacks the forward entry points of nnrt_model.h";
    return nullptr;
  }
  code.evaluateWorkspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      m.lookup("nnc_model_evaluate_workspace"));
  code.evaluate = reinterpret_cast<nnrt::ModelCode::EvaluateFn>(
      m.lookup("nnc_model_evaluate"));
  code.trainWorkspace = reinterpret_cast<nnrt::ModelCode::WorkspaceFn>(
      m.lookup("nnc_model_train_workspace"));
  code.trainStep = reinterpret_cast<nnrt::ModelCode::TrainStepFn>(
      m.lookup("nnc_model_train_step"));
  return result;
}

} // namespace nnc::driver
