//===- rng.cpp - Philox4x32-10 and the per-tensor random stream -----------===//
//
// The Philox round, with the multipliers and Weyl key increments of the
// paper and of Random123 (whose known-answer vectors the unit tests check):
//   (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2      (32x32 -> 64 bit)
//   c' = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
//   k  = (k0 + W0, k1 + W1) between rounds
//
//===----------------------------------------------------------------------===//
#include "nnrt/rng.h"

#include <cmath>
#include <numbers>

namespace nnrt {
namespace {

constexpr uint32_t kPhiloxM0 = 0xD2511F53;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9; // golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85; // sqrt(3) - 1
constexpr double kTwoPow24 = 16777216.0;

PhiloxBlock philoxRound(const PhiloxBlock &c, const PhiloxKey &k) {
  uint64_t p0 = uint64_t(kPhiloxM0) * c[0];
  uint64_t p1 = uint64_t(kPhiloxM1) * c[2];
  uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
  uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
  return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}

double top24(uint32_t word) { return double(word >> 8) / kTwoPow24; }

} // namespace

PhiloxBlock philox4x32(PhiloxBlock counter, PhiloxKey key, int rounds) {
  for (int r = 0; r < rounds; ++r) {
    if (r > 0) {
      key[0] += kPhiloxW0;
      key[1] += kPhiloxW1;
    }
    counter = philoxRound(counter, key);
  }
  return counter;
}

uint64_t fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL; // FNV offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL; // FNV prime
  }
  return hash;
}

TensorRng::TensorRng(uint64_t seed, std::string_view tensorName)
    : key_{uint32_t(seed), uint32_t(seed >> 32)},
      nameHash_(fnv1a64(tensorName)) {}

PhiloxBlock TensorRng::block(uint64_t index) const {
  PhiloxBlock counter = {uint32_t(index), uint32_t(index >> 32),
                         uint32_t(nameHash_), uint32_t(nameHash_ >> 32)};
  return philox4x32(counter, key_);
}

double TensorRng::uniform(uint64_t index) const {
  return top24(block(index)[0]);
}

double TensorRng::normal(uint64_t index) const {
  PhiloxBlock words = block(index);
  double u1 = 1.0 - top24(words[0]); // in (0, 1]: log never sees 0
  double u2 = top24(words[1]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

} // namespace nnrt
