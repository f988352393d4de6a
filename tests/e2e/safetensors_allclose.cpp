//===- safetensors_allclose.cpp - Compare tensors with PyTorch's ----------===//
//
// usage: safetensors_allclose ACTUAL EXPECTED RTOL [PREFIX]
// Compares every tensor `<name>` of EXPECTED (F32) with the tensor
// `PREFIX<name>` of ACTUAL, relative to the largest magnitude of the expected
// tensor; prints one line per tensor and exits 1 when any exceeds RTOL (2 for
// unreadable files). With PREFIX `optimizer.momentum_buffer.`, ACTUAL is a
// checkpoint after one SGD step with momentum from zero state, whose momentum
// buffers are exactly that step's gradients.
//
//===----------------------------------------------------------------------===//
#include "nnrt/safetensors.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace {

std::vector<float> floats(const nnrt::SafeTensorsFile &file,
                          const nnrt::SafeTensorEntry &entry) {
  if (entry.dtype != nnrt::DType::F32)
    throw std::runtime_error(file.path + ": `" + entry.name + "` is not F32");
  std::vector<float> values((entry.end - entry.begin) / sizeof(float));
  std::memcpy(values.data(), file.data(entry), values.size() * sizeof(float));
  return values;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: safetensors_allclose ACTUAL EXPECTED RTOL [PREFIX]\n");
    return 2;
  }
  double rtol = std::strtod(argv[3], nullptr);
  std::string prefix = argc == 5 ? argv[4] : "";
  try {
    nnrt::SafeTensorsFile checkpoint = nnrt::readSafeTensors(argv[1]);
    nnrt::SafeTensorsFile expected = nnrt::readSafeTensors(argv[2]);
    bool ok = true;
    for (const nnrt::SafeTensorEntry &e : expected.entries) {
      const nnrt::SafeTensorEntry *a = checkpoint.find(prefix + e.name);
      if (!a) {
        std::printf("FAIL %s: no %s%s in %s\n", e.name.c_str(), prefix.c_str(),
                    e.name.c_str(), argv[1]);
        ok = false;
        continue;
      }
      if (a->shape != e.shape) {
        std::printf("FAIL %s: shapes differ\n", e.name.c_str());
        ok = false;
        continue;
      }
      std::vector<float> actual = floats(checkpoint, *a), ref = floats(expected, e);
      double maxDiff = 0, maxRef = 0;
      for (size_t i = 0; i < ref.size(); ++i) {
        double d = std::isfinite(actual[i]) ? std::fabs(double(actual[i]) - ref[i])
                                            : INFINITY;
        maxDiff = std::fmax(maxDiff, d);
        maxRef = std::fmax(maxRef, std::fabs(double(ref[i])));
      }
      double rel = maxDiff / std::fmax(maxRef, 1e-30);
      bool pass = rel <= rtol;
      ok = ok && pass;
      std::printf("%s %s: max abs diff %.3e, rel %.3e, rtol %.1e\n",
                  pass ? "OK" : "FAIL", e.name.c_str(), maxDiff, rel, rtol);
    }
    return ok ? 0 : 1;
  } catch (const std::exception &err) {
    std::fprintf(stderr, "error: %s\n", err.what());
    return 2;
  }
}
