//===- cpu_features.cpp - CPUID and XGETBV, by LLVM's feature names -------===//
//
// Each feature is one CPUID bit (Intel SDM vol. 2A, CPUID; the same bits on
// AMD). AVX and AVX-512 also need the OS to save their registers: XCR0 bits
// 1-2 (SSE and AVX state) and 5-7 (opmask and the upper ZMM registers).
//
//===----------------------------------------------------------------------===//
#include "nnrt/cpu_features.h"
#include "nnrt/error.h"

#include <cpuid.h>
#include <cstdint>

namespace nnrt {
namespace {

enum Reg { EAX, EBX, ECX, EDX };

/// A feature's CPUID location and what register state it needs.
struct FeatureBit {
  const char *name;
  unsigned leaf, subleaf;
  Reg reg;
  int bit;
  enum { None, Avx, Avx512 } state;
};

constexpr FeatureBit kFeatures[] = {
    {"sse2", 1, 0, EDX, 26, FeatureBit::None},
    {"sse3", 1, 0, ECX, 0, FeatureBit::None},
    {"ssse3", 1, 0, ECX, 9, FeatureBit::None},
    {"sse4.1", 1, 0, ECX, 19, FeatureBit::None},
    {"sse4.2", 1, 0, ECX, 20, FeatureBit::None},
    {"popcnt", 1, 0, ECX, 23, FeatureBit::None},
    {"movbe", 1, 0, ECX, 22, FeatureBit::None},
    {"fma", 1, 0, ECX, 12, FeatureBit::Avx},
    {"avx", 1, 0, ECX, 28, FeatureBit::Avx},
    {"f16c", 1, 0, ECX, 29, FeatureBit::Avx},
    {"bmi", 7, 0, EBX, 3, FeatureBit::None},
    {"avx2", 7, 0, EBX, 5, FeatureBit::Avx},
    {"bmi2", 7, 0, EBX, 8, FeatureBit::None},
    {"avx512f", 7, 0, EBX, 16, FeatureBit::Avx512},
    {"avx512dq", 7, 0, EBX, 17, FeatureBit::Avx512},
    {"avx512ifma", 7, 0, EBX, 21, FeatureBit::Avx512},
    {"avx512cd", 7, 0, EBX, 28, FeatureBit::Avx512},
    {"avx512bw", 7, 0, EBX, 30, FeatureBit::Avx512},
    {"avx512vl", 7, 0, EBX, 31, FeatureBit::Avx512},
    {"avx512vbmi", 7, 0, ECX, 1, FeatureBit::Avx512},
    {"avx512vbmi2", 7, 0, ECX, 6, FeatureBit::Avx512},
    {"gfni", 7, 0, ECX, 8, FeatureBit::None},
    {"vpclmulqdq", 7, 0, ECX, 10, FeatureBit::Avx},
    {"avx512vnni", 7, 0, ECX, 11, FeatureBit::Avx512},
    {"avx512bitalg", 7, 0, ECX, 12, FeatureBit::Avx512},
    {"avx512vpopcntdq", 7, 0, ECX, 14, FeatureBit::Avx512},
    {"avx512fp16", 7, 0, EDX, 23, FeatureBit::Avx512},
    {"avxvnni", 7, 1, EAX, 4, FeatureBit::Avx},
    {"avx512bf16", 7, 1, EAX, 5, FeatureBit::Avx512},
    {"lzcnt", 0x80000001, 0, ECX, 5, FeatureBit::None},
};

bool cpuidBit(unsigned leaf, unsigned subleaf, Reg reg, int bit) {
  unsigned r[4] = {0, 0, 0, 0};
  if (__get_cpuid_max(leaf & 0x80000000u, nullptr) < leaf)
    return false;
  __cpuid_count(leaf, subleaf, r[EAX], r[EBX], r[ECX], r[EDX]);
  return (r[reg] >> bit) & 1u;
}

// XCR0, the register state the OS saves; 0 without OSXSAVE.
uint64_t enabledState() {
  if (!cpuidBit(1, 0, ECX, 27))
    return 0;
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

std::set<std::string> detect() {
  uint64_t xcr0 = enabledState();
  bool avxState = (xcr0 & 0x6) == 0x6;
  bool avx512State = avxState && (xcr0 & 0xe0) == 0xe0;
  std::set<std::string> found;
  for (const FeatureBit &f : kFeatures) {
    if (!cpuidBit(f.leaf, f.subleaf, f.reg, f.bit))
      continue;
    if ((f.state == FeatureBit::Avx && !avxState) ||
        (f.state == FeatureBit::Avx512 && !avx512State))
      continue;
    found.insert(f.name);
  }
  return found;
}

} // namespace

const std::vector<std::string> &knownCpuFeatures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const FeatureBit &f : kFeatures)
      v.push_back(f.name);
    return v;
  }();
  return names;
}

const std::set<std::string> &hostCpuFeatures() {
  static const std::set<std::string> features = detect();
  return features;
}

void checkCpuFeatures(const std::string &cpu,
                      const std::vector<std::string> &required,
                      const std::set<std::string> &host) {
  std::string missing;
  for (const std::string &feature : required)
    if (!host.count(feature))
      missing += (missing.empty() ? "" : ", ") + feature;
  if (missing.empty())
    return;
  throw Error("this model was compiled for the CPU `" + cpu +
              "`, and this CPU lacks " + missing +
              "; rebuild it on this machine, or for a wider range of CPUs "
              "with `nnc build --target-cpu x86-64-v3` (AVX2) or "
              "`--target-cpu x86-64` (SSE2 only)");
}

} // namespace nnrt
