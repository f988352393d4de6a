//===- cpu_features.h - The instruction-set extensions a model needs ------===//
//
// A compiled model's code uses the vector instructions of the CPU it was
// built for (`nnc build --target-cpu`, by default the building machine's).
// Run on a CPU without them it would die of SIGILL in the middle of a
// computation; instead the manifest lists the extensions the code may use
// (its `target` object) and the runtime compares them with what this CPU
// and its operating system support before it calls any compiled code.
// Feature names are LLVM's ("avx512f", "sse4.2"); the compiler records
// those of knownCpuFeatures() that its target enables.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CPU_FEATURES_H
#define NNRT_CPU_FEATURES_H

#include <set>
#include <string>
#include <vector>

namespace nnrt {

/// The x86-64 extensions the runtime can detect, by LLVM's names.
const std::vector<std::string> &knownCpuFeatures();

/// Those of knownCpuFeatures() that this CPU has and the operating system
/// enables (AVX and AVX-512 need their register state saved by the OS).
const std::set<std::string> &hostCpuFeatures();

/// Throws Error, naming what is missing, when `required` holds a feature
/// that `host` lacks. `cpu` is the CPU the code was built for (for the
/// message); features unknown to this runtime are reported as missing.
void checkCpuFeatures(const std::string &cpu,
                      const std::vector<std::string> &required,
                      const std::set<std::string> &host = hostCpuFeatures());

} // namespace nnrt

#endif
