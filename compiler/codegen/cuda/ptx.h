//===- ptx.h - The model's kernels as PTX, through LLVM's NVPTX backend ----===//
//
// The first part of the CUDA backend: every distinct kernel of the model's
// programs (forward, training, and their hooked variants) as an NVPTX
// kernel (gpu_kernels.h), with CUDA's libdevice linked for the math
// functions, optimised and written as PTX for one GPU architecture. The
// runtime side (loading the PTX through the driver API, launching, device
// memory) is not built yet.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/kernels.h"

#include <optional>
#include <string>
#include <vector>

namespace nnc::codegen {

/// A GPU architecture of `--gpu-arch`, and the PTX ISA version its code
/// declares (the oldest that has everything the code uses on it).
struct GpuArch {
  std::string name; ///< sm_80
  int ptxVersion;   ///< 70 for PTX ISA 7.0
};

/// The architectures nnc compiles for by default.
std::vector<std::string> defaultGpuArchs();

/// The architecture `name` names (sm_70 .. sm_90), or nullopt with `error`.
std::optional<GpuArch> gpuArch(const std::string &name, std::string &error);

/// The PTX of every distinct kernel of `programs` for `arch`, named
/// `<prefix>_kernel<N>`, and with training the update kernel
/// `<prefix>_update` (gpu_update.h). `cudaDir` holds nvvm/libdevice/libdevice.10.bc.
/// With `llvmIr`, the optimised LLVM IR goes there too. False with `error`.
bool emitPtx(const ModelPrograms &programs, const GpuArch &arch, const std::string &cudaDir,
             const std::string &prefix, std::string &ptx, std::string &error,
             std::string *llvmIr = nullptr);

/// Where CUDA is: $NNC_CUDA_PATH, else $CUDA_HOME, else /usr/local/cuda.
std::string cudaDirectory();

} // namespace nnc::codegen
