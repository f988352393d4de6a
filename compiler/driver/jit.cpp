//===- jit.cpp - `nnc run`: the model's code through LLVM's ORC JIT -------===//
//
// LLJIT for the host CPU at the aggressive code-generation level (the module
// is already optimised by the O3 pipeline, as for `nnc build`). The kernels
// call libm (expf, tanhf, ...), which the JIT resolves from this process.
// The module's one external symbol is its descriptor (nnrt_model.h), built
// with the default prefix.
//
//===----------------------------------------------------------------------===//
#include "driver/jit.h"
#include "codegen/cpu/emit_llvm.h"

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
  auto descriptor = (*jit)->lookup(std::string(codegen::kDefaultSymbolPrefix) + "_model");
  if (!descriptor)
    return fail(descriptor.takeError());
  std::unique_ptr<JitModel> result(new JitModel);
  result->jit_ = std::move(*jit);
  result->code_ =
      nnrt::ModelCode::fromDescriptor(*descriptor->toPtr<const nnc_model_descriptor *>());
  return result;
}

} // namespace nnc::driver
