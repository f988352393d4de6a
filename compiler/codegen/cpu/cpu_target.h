//===- cpu_target.h - What kernel code generation knows of the CPU --------===//
//
// Read once from the TargetMachine (emit_llvm.h: cpuTarget) and passed down
// to the emitters, which size their vectors and register tiles by it.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace nnc::codegen {

struct CpuTarget {
  /// The widest vector registers the code may use: 512 with AVX-512, 256
  /// with AVX, else 128 (SSE2, which every x86-64 has).
  unsigned vectorBits = 128;
};

} // namespace nnc::codegen
