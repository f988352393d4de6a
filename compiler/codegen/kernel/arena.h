//===- arena.h - The parameter arena's layout -----------------------------===//
//
// The kernel level decides where every parameter and buffer lives: one
// arena, the tensors in the order given (a model's state_dict order), each
// at an element offset that is a multiple of kTensorAlign. The compiled code,
// the manifest and so the runtime's views and checkpoints all address tensors
// by these offsets; sema only checks that the tensors are not too many.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nnc::codegen {

/// Every tensor starts at a multiple of this many elements of the arena (64
/// bytes of floats: one cache line, one AVX-512 vector).
constexpr int64_t kTensorAlign = 16;

/// What the layout needs to know of a tensor.
struct ArenaTensor {
  std::string name; ///< state_dict name: `net.0.weight`
  int64_t elements = 0;
  bool trainable = false; ///< the optimizer updates it
};

/// Where each tensor lives in the parameter arena, in elements.
struct ArenaLayout {
  /// Per tensor, in the order given: where its first element is.
  std::vector<int64_t> offsets;
  /// The arena's length: up to the last element of the last tensor, which
  /// has no padding after it.
  int64_t elements = 0;
  /// Each tensor's offset by name, as lowerToKernels takes them (a repeated
  /// name keeps its first offset).
  std::map<std::string, int64_t> byName;
  /// [begin, end) ranges the optimizer updates, in order: each trainable
  /// tensor with its alignment padding, clipped at the arena's end, adjacent
  /// ones merged.
  std::vector<std::pair<int64_t, int64_t>> updateRanges;
};

/// Lays `tensors` out in order. Each holds at most ir::kMaxElements and all
/// of them together at most that too (sema checks a model's, the driver an
/// IR file's), so that no offset comes near overflowing.
ArenaLayout layoutArena(const std::vector<ArenaTensor> &tensors);

} // namespace nnc::codegen
