//===- jit.h - `nnc run`: the model's code through LLVM's ORC JIT ---------===//
//
// The same LLVM module `nnc build` writes as an object file, compiled in
// memory by ORC's LLJIT and handed to the runtime's command line, so that
// `nnc run model.nnm -- train ...` behaves as `./model train ...` without a
// linker or a file on disk.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nnrt/model.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
namespace orc {
class LLJIT;
}
} // namespace llvm

namespace nnc::driver {

class JitModel {
public:
  /// JIT-compiles `module` (optimised for the host, built with the default
  /// symbol prefix) and reads its descriptor (nnrt_model.h). Returns null
  /// and sets `error` on failure.
  static std::unique_ptr<JitModel> create(std::unique_ptr<llvm::Module> module,
                                          std::unique_ptr<llvm::LLVMContext> context,
                                          std::string &error);
  ~JitModel();

  /// The entry points, valid while this object lives.
  const nnrt::ModelCode &code() const { return code_; }
  /// The address of any symbol of the module, or null.
  void *lookup(const std::string &name) const;

private:
  JitModel() = default;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  nnrt::ModelCode code_;
};

} // namespace nnc::driver
