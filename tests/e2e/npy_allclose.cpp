//===- npy_allclose.cpp - Compares an output .npy with a reference --------===//
//
// Usage: npy_allclose ACTUAL.npy EXPECTED.npy [RTOL]
// The metric is the fixtures' (tests/reference/README.md): the largest
// absolute difference divided by the largest absolute reference value must
// not exceed RTOL (default 1e-5). Prints the max difference, the relative
// error and the tolerance; exits 1 on a mismatch, a shape difference or a
// non-finite value, 2 on unreadable files.
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/npy.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: npy_allclose ACTUAL.npy EXPECTED.npy [RTOL]\n");
    return 2;
  }
  double rtol = argc == 4 ? std::strtod(argv[3], nullptr) : 1e-5;
  try {
    nnrt::NpyArray actual = nnrt::readNpy(argv[1]);
    nnrt::NpyArray expected = nnrt::readNpy(argv[2]);
    if (actual.shape != expected.shape) {
      std::printf("FAIL shape %s, expected %s\n", shapeText(actual.shape).c_str(),
                  shapeText(expected.shape).c_str());
      return 1;
    }
    const std::vector<float> &a = actual.floats(argv[1]);
    const std::vector<float> &e = expected.floats(argv[2]);
    double maxDiff = 0, maxRef = 0;
    size_t worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!std::isfinite(a[i])) {
        std::printf("FAIL non-finite value %g at flat index %zu\n", a[i], i);
        return 1;
      }
      double d = std::fabs(double(a[i]) - double(e[i]));
      if (d > maxDiff) {
        maxDiff = d;
        worst = i;
      }
      maxRef = std::fmax(maxRef, std::fabs(double(e[i])));
    }
    double rel = maxDiff / std::fmax(maxRef, 1e-30);
    bool ok = rel <= rtol;
    std::printf("%s %s: max abs diff %.3e (flat index %zu), rel %.3e, rtol %.1e\n",
                ok ? "OK" : "FAIL", argv[1], maxDiff, worst, rel, rtol);
    return ok ? 0 : 1;
  } catch (const std::exception &err) {
    std::fprintf(stderr, "error: %s\n", err.what());
    return 2;
  }
}
