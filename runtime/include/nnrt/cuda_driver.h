//===- cuda_driver.h - Finding the CUDA driver and a device, at run time --===//
//
// libcuda is loaded with dlopen when `--device cuda` asks for it, never
// linked: the same binary runs on a machine without a GPU, and asking for
// one there fails at once with what is missing (no driver, no device, a
// driver too old for the PTX nnc emits). $NNC_LIBCUDA names another library
// to load (the tests' stub driver).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CUDA_DRIVER_H
#define NNRT_CUDA_DRIVER_H

#include <string>

namespace nnrt {

/// What the driver reports of the first device.
struct CudaDevice {
  int driverVersion = 0; ///< cuDriverGetVersion: 12080 for CUDA 12.8
  int count = 0;         ///< devices
  std::string name;      ///< the first device's
  int major = 0, minor = 0; ///< its compute capability
};

/// The oldest driver (cuDriverGetVersion) that runs the PTX nnc emits:
/// CUDA 11.0, for PTX ISA 7.0 (sm_80; sm_90's ISA 7.8 needs 11.8).
inline constexpr int kMinCudaDriverVersion = 11000;

/// Loads the driver, initialises it and reads the first device. Throws
/// Error (kind Unsupported), starting with `asked` (what asked for the GPU:
/// "--device cuda"), saying what is missing: the library, a device, or a
/// driver older than `minDriverVersion`; a driver call that fails is named
/// with its error.
CudaDevice probeCudaDevice(const std::string &asked,
                           int minDriverVersion = kMinCudaDriverVersion);

/// What running a model on the GPU comes to today: the driver and device
/// are checked (probeCudaDevice), then Error (Unsupported) says that the
/// model has no GPU code, since nnc's GPU runtime is not built yet.
[[noreturn]] void refuseCuda(const std::string &asked);

/// "12.8" for 12080.
std::string cudaVersionText(int driverVersion);

} // namespace nnrt

#endif // NNRT_CUDA_DRIVER_H
