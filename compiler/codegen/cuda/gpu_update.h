//===- gpu_update.h - The optimizer update as a GPU kernel -----------------===//
//
// The training step's last part on the device: `name(arena, state, update,
// arenaElements, begin, end)` updates every element of [begin, end) of the
// parameter arena from its gradient and slots (state: gradients, slot 1,
// slot 2, each with the arena's layout) by the rule of `update` (a device
// copy of nnc_update, written before each step, so that a captured CUDA
// graph replays with the step's new coefficients). The runtime launches it
// once per trainable range. Each element reads only itself: any grid gives
// the same bits, as the CPU's update.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/cuda/gpu_kernels.h"

namespace nnc::codegen {

llvm::Function *emitGpuUpdate(llvm::Module &module, const std::string &name,
                              ThreadIndices indices = ThreadIndices::Nvptx);

} // namespace nnc::codegen
