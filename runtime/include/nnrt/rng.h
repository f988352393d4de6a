//===- rng.h - Counter-based random numbers for parameter initialisation --===//
//
// Parameters must be reproducible from (seed, tensor name) alone: on any
// machine, with any thread count, and whatever the order of the tensors in the
// arena. A counter-based generator gives that for free: element i of tensor T
// is a pure function of (seed, hash(T), i).
//
// The generator is Philox4x32-10 (Salmon et al., "Parallel random numbers: as
// easy as 1, 2, 3", SC'11), exactly as in Random123:
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (i low, i high, h low, h high), i the element index, h the
//             64-bit FNV-1a hash of the tensor's name
// Element i uses the four 32-bit words of block `counter`:
//   uniform [0,1): (word0 >> 8) * 2^-24
//   normal:        Box-Muller, u1 = 1 - (word0 >> 8) * 2^-24 in (0, 1],
//                  u2 = (word1 >> 8) * 2^-24, z = sqrt(-2 ln u1) cos(2 pi u2),
//                  computed in double and rounded to float.
// docs/runtime.md repeats this so others can reproduce parameters.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_RNG_H
#define NNRT_RNG_H

#include <array>
#include <cstdint>
#include <string_view>

namespace nnrt {

/// Four 32-bit words: a Philox counter or output block.
using PhiloxBlock = std::array<uint32_t, 4>;
/// Two 32-bit words: a Philox key.
using PhiloxKey = std::array<uint32_t, 2>;

/// The Philox4x32 bijection with `rounds` rounds (10 is the standard).
PhiloxBlock philox4x32(PhiloxBlock counter, PhiloxKey key, int rounds = 10);

/// 64-bit FNV-1a of the bytes of `text`.
uint64_t fnv1a64(std::string_view text);

/// The random stream of one tensor: element `index` maps to one Philox block.
class TensorRng {
public:
  TensorRng(uint64_t seed, std::string_view tensorName);

  /// The raw Philox block of element `index`.
  PhiloxBlock block(uint64_t index) const;
  /// Uniform in [0, 1) with 24 random bits (every value exact in float).
  double uniform(uint64_t index) const;
  /// Standard normal by Box-Muller.
  double normal(uint64_t index) const;

private:
  PhiloxKey key_;
  uint64_t nameHash_;
};

} // namespace nnrt

#endif // NNRT_RNG_H
