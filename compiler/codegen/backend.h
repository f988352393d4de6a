//===- backend.h - What a target makes of the kernel programs -------------===//
//
// The pipeline is target-neutral up to the kernel programs (codegen/kernel).
// A Backend, chosen by `nnc build --target`, turns them into code: an LLVM
// module holding the model's descriptor and entry points (runtime/include/
// nnrt_model.h), optimised, then an object file. The CPU is the one backend
// so far (codegen/cpu/cpu_backend.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/kernels.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace nnc::codegen {

/// The symbol prefix of a model built without `--prefix`: its descriptor is
/// `nnc_model`, the one an executable's runtime links to.
inline constexpr const char *kDefaultSymbolPrefix = "nnc";

/// What the manifest records of the code's target; the runtime checks it
/// before it runs the code.
struct TargetDescription {
  std::string cpu;                   ///< the LLVM CPU name the code is tuned for
  std::vector<std::string> features; ///< the instruction-set extensions it may use
};

class Backend {
public:
  virtual ~Backend() = default;

  /// `--target`'s name of this backend.
  virtual std::string name() const = 0;
  /// The target, with those of `knownFeatures` the code may use.
  virtual TargetDescription
  describe(const std::vector<std::string> &knownFeatures) const = 0;
  /// The module that defines the descriptor `<prefix>_model` and everything
  /// it points to: the entry points of the fused programs and of their
  /// hooked variants (the training ones only with training code).
  virtual std::unique_ptr<llvm::Module>
  emit(const ModelPrograms &programs, const std::string &manifest,
       llvm::LLVMContext &context, const std::string &prefix) const = 0;
  /// Runs the target's optimisation pipeline over `module`.
  virtual void optimize(llvm::Module &module) const = 0;
  /// Writes `module` as an object file; false with `error` set on failure.
  virtual bool writeObject(llvm::Module &module, const std::string &path,
                           std::string &error) const = 0;
};

/// The backend `--target target` names, for `--target-cpu cpu` ("native":
/// this machine's). Null with `error` set, worded for the user, when the
/// target or the CPU is unknown.
std::unique_ptr<Backend> makeBackend(const std::string &target, const std::string &cpu,
                                     std::string &error);

} // namespace nnc::codegen
