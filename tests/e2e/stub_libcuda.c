/* stub_libcuda.c: a fake CUDA driver for the tests of `--device cuda` on machines without a GPU
 * (tests/e2e/device.sh loads it through NNC_LIBCUDA). Its answers come from the environment:
 * STUB_CUDA_VERSION (cuDriverGetVersion, default 12080), STUB_CUDA_INIT (cuInit's result,
 * default 0), STUB_CUDA_DEVICES (default 1). */
#include <stdlib.h>
#include <string.h>

static int env(const char *name, int fallback) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : fallback;
}

int cuGetErrorName(int result, const char **name) {
  *name = result == 100 ? "CUDA_ERROR_NO_DEVICE" : result == 999 ? "CUDA_ERROR_UNKNOWN" : NULL;
  return *name ? 0 : 1;
}
int cuGetErrorString(int result, const char **text) {
  *text = result == 100 ? "no CUDA-capable device is detected" : NULL;
  return *text ? 0 : 1;
}
int cuInit(unsigned flags) { (void)flags; return env("STUB_CUDA_INIT", 0); }
int cuDriverGetVersion(int *version) { *version = env("STUB_CUDA_VERSION", 12080); return 0; }
int cuDeviceGetCount(int *count) { *count = env("STUB_CUDA_DEVICES", 1); return 0; }
int cuDeviceGet(int *device, int ordinal) { *device = ordinal; return 0; }
int cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  strncpy(name, "Stub GPU", (size_t)length);
  return 0;
}
int cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  *value = attribute == 75 ? 9 : 0; /* compute capability 9.0 */
  return 0;
}
