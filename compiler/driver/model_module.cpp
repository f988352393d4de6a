//===- model_module.cpp - A checked model as LLVM code ---------------------===//
#include "driver/model_module.h"
#include "driver/summary.h"
#include "driver/training.h"
#include "nnrt/cpu_features.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

namespace nnc::driver {

std::unique_ptr<llvm::Module>
rawModule(const sema::Model &model, const codegen::ArenaLayout &arena,
          const codegen::ModelPrograms &programs, llvm::LLVMContext &context,
          const codegen::Backend &backend, bool recordTarget, const std::string &prefix,
          std::ostream &err) {
  nlohmann::json manifest = manifestJson(model, arena, programs);
  if (recordTarget) {
    codegen::TargetDescription target = backend.describe(nnrt::knownCpuFeatures());
    manifest["target"] = {{"cpu", target.cpu}, {"features", target.features}};
  }
  std::unique_ptr<llvm::Module> module =
      backend.emit(programs, manifest.dump(), context, prefix);
  std::string verifyText;
  llvm::raw_string_ostream verifyOut(verifyText);
  if (llvm::verifyModule(*module, &verifyOut)) {
    err << "internal compiler error: invalid LLVM IR:\n" << verifyText << "\n";
    return nullptr;
  }
  return module;
}

std::unique_ptr<JitModel> jitCompile(const sema::Model &model, const codegen::ArenaLayout &arena,
                                     const codegen::Backend &backend, std::ostream &err,
                                     int &status) {
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module =
      rawModule(model, arena, lowerModel(model, arena), *context, backend, false,
                codegen::kDefaultSymbolPrefix, err);
  if (!module) {
    status = 2;
    return nullptr;
  }
  backend.optimize(*module);
  std::string error;
  std::unique_ptr<JitModel> jit = JitModel::create(std::move(module), std::move(context), error);
  if (!jit) {
    err << "error: " << error << "\n";
    status = 1;
  }
  return jit;
}

} // namespace nnc::driver
