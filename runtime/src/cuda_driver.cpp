//===- cuda_driver.cpp - Finding the CUDA driver and a device, at run time -===//
//
// Only the driver API's C functions are used, declared here with their
// documented signatures (CUresult is an int, a CUdevice an int), so that
// building nnc needs no CUDA header.
//
//===----------------------------------------------------------------------===//
#include "nnrt/cuda_driver.h"
#include "nnrt/error.h"

#include <cstdlib>
#include <dlfcn.h>

namespace nnrt {
namespace {

using CUresult = int;
constexpr int kAttributeComputeCapabilityMajor = 75; // CU_DEVICE_ATTRIBUTE_...
constexpr int kAttributeComputeCapabilityMinor = 76;

struct Api {
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*driverGetVersion)(int *) = nullptr;
  CUresult (*deviceGetCount)(int *) = nullptr;
  CUresult (*deviceGet)(int *, int) = nullptr;
  CUresult (*deviceGetName)(char *, int, int) = nullptr;
  CUresult (*deviceGetAttribute)(int *, int, int) = nullptr;
  CUresult (*getErrorName)(CUresult, const char **) = nullptr;
  CUresult (*getErrorString)(CUresult, const char **) = nullptr;
};

thread_local std::string asking; ///< probeCudaDevice's `asked`, for the messages

Error unsupported(const std::string &message) {
  return Error(ErrorKind::Unsupported, asking + ": " + message);
}

/// "cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected".
Error callFailed(const Api &api, const char *call, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (api.getErrorName)
    api.getErrorName(result, &name);
  if (api.getErrorString)
    api.getErrorString(result, &text);
  return unsupported(std::string(call) + " failed: " + (name ? name : "CUDA error") + " (" +
                     std::to_string(result) + ")" + (text ? std::string(": ") + text : ""));
}

template <typename Fn> void resolve(void *library, const char *symbol, Fn &fn) {
  fn = reinterpret_cast<Fn>(::dlsym(library, symbol));
  if (!fn)
    throw unsupported(std::string("the CUDA driver has no `") + symbol +
                      "`: it is not a CUDA driver, or a very old one");
}

} // namespace

std::string cudaVersionText(int driverVersion) {
  return std::to_string(driverVersion / 1000) + "." + std::to_string(driverVersion % 1000 / 10);
}

CudaDevice probeCudaDevice(const std::string &asked, int minDriverVersion) {
  asking = asked;
  const char *override = std::getenv("NNC_LIBCUDA");
  std::string path = override && *override ? override : "libcuda.so.1";
  // Kept loaded for the process's lifetime: the driver is not unloaded.
  void *library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = ::dlerror();
    throw unsupported("no CUDA driver: cannot load " + path + " (" + (why ? why : "unknown") +
                      "); install the NVIDIA driver, or run on the CPU (--device cpu, the "
                      "default)");
  }
  Api api;
  resolve(library, "cuGetErrorName", api.getErrorName);
  resolve(library, "cuGetErrorString", api.getErrorString);
  resolve(library, "cuInit", api.init);
  resolve(library, "cuDriverGetVersion", api.driverGetVersion);
  resolve(library, "cuDeviceGetCount", api.deviceGetCount);
  resolve(library, "cuDeviceGet", api.deviceGet);
  resolve(library, "cuDeviceGetName", api.deviceGetName);
  resolve(library, "cuDeviceGetAttribute", api.deviceGetAttribute);
  CudaDevice device;
  if (CUresult r = api.driverGetVersion(&device.driverVersion))
    throw callFailed(api, "cuDriverGetVersion", r);
  if (device.driverVersion < minDriverVersion)
    throw unsupported("the CUDA driver is too old: it runs CUDA " +
                      cudaVersionText(device.driverVersion) + " (" +
                      std::to_string(device.driverVersion) + "), and nnc's GPU code (PTX ISA " +
                      "7.0 and later) needs CUDA " + cudaVersionText(minDriverVersion) +
                      " or newer; update the NVIDIA driver");
  if (CUresult r = api.init(0))
    throw callFailed(api, "cuInit", r);
  if (CUresult r = api.deviceGetCount(&device.count))
    throw callFailed(api, "cuDeviceGetCount", r);
  if (device.count < 1)
    throw unsupported("no CUDA device: the driver (CUDA " + cudaVersionText(device.driverVersion) +
                      ") is there, but it finds no GPU");
  int first = 0;
  if (CUresult r = api.deviceGet(&first, 0))
    throw callFailed(api, "cuDeviceGet", r);
  char name[256] = {};
  if (CUresult r = api.deviceGetName(name, int(sizeof name) - 1, first))
    throw callFailed(api, "cuDeviceGetName", r);
  device.name = name;
  if (CUresult r = api.deviceGetAttribute(&device.major, kAttributeComputeCapabilityMajor, first))
    throw callFailed(api, "cuDeviceGetAttribute", r);
  if (CUresult r = api.deviceGetAttribute(&device.minor, kAttributeComputeCapabilityMinor, first))
    throw callFailed(api, "cuDeviceGetAttribute", r);
  return device;
}

void refuseCuda(const std::string &asked) {
  CudaDevice gpu = probeCudaDevice(asked);
  throw Error(ErrorKind::Unsupported,
              asked + ": found " + gpu.name + " (compute capability " + std::to_string(gpu.major) +
                  "." + std::to_string(gpu.minor) + ", CUDA " + cudaVersionText(gpu.driverVersion) +
                  "), but this model has no GPU code: nnc's GPU runtime is not built yet "
                  "(nnc build --target cuda writes the kernels' PTX only); run it on the CPU");
}

} // namespace nnrt
