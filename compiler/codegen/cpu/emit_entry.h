//===- emit_entry.h - An entry point of the model and its workspace size --===//
//
// An entry point (forward, evaluate, train_step) runs a kernel
// program. Its schedule is data: constant tables describe the buffers and
// list the kernel calls, and short loops walk them, so the code emitted for
// an entry point does not grow with the number of kernels: a model of
// 10,000 ops compiles in time proportional to its distinct kernels plus a
// table entry per kernel and buffer.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/cpu/cpu_target.h"
#include "codegen/kernel/kernels.h"

#include <llvm/IR/Module.h>

#include <map>
#include <string>

namespace nnc::codegen {

struct TrainingCode;

/// Each distinct kernel of a module (KernelKey) is emitted once, as a
/// function `i32(ptr table, ptr args, ptr dims, ptr consts, ptr ctx)` that
/// every entry point calls for every kernel equal to it. It returns 0; the
/// thunk of a hook point returns what the hooks do.
using KernelThunks = std::map<KernelKey, llvm::Function *>;

/// An entry point and its workspace-size function, both internal: the
/// model's descriptor points to them.
struct EntryFunctions {
  llvm::Function *entry = nullptr;
  llvm::Function *workspace = nullptr;
};

/// Emits the entry point `entry` over `program` and its workspace-size
/// function `workspace` (nnrt_model.h); with `training`, the training step's
/// signature, gradient outputs and optimizer update.
EntryFunctions emitEntryPoint(llvm::Module &module, const KernelProgram &program,
                    const std::string &entry, const std::string &workspace,
                    KernelThunks &thunks, const TrainingCode *training,
                    const CpuTarget &target);

} // namespace nnc::codegen
