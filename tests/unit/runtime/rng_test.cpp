//===- rng_test.cpp - Philox4x32-10 and the per-tensor stream -------------===//
//
// Known-answer vectors of Random123 (tests/kat_vectors, "philox4x32 10"
// lines: counter, key, expected output), FNV-1a reference values, the mapping
// of (seed, name, index) to a Philox block, and the moments of the uniform
// and normal streams.
//
//===----------------------------------------------------------------------===//
#include "nnrt/rng.h"

#include <cmath>
#include <doctest/doctest.h>

using namespace nnrt;

TEST_CASE("philox4x32-10 matches the Random123 known-answer vectors") {
  CHECK(philox4x32({0, 0, 0, 0}, {0, 0}) ==
        PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                   {0xffffffff, 0xffffffff}) ==
        PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                   {0xa4093822, 0x299f31d0}) ==
        PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("philox4x32-7 matches the Random123 known-answer vector") {
  CHECK(philox4x32({0, 0, 0, 0}, {0, 0}, 7) ==
        PhiloxBlock{0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48});
}

TEST_CASE("fnv1a64 reference values") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE(
    "a tensor's block is philox(counter = (index, name hash), key = seed)") {
  uint64_t seed = 0x0123456789abcdefULL, index = 0x100000002ULL;
  uint64_t h = fnv1a64("net.0.weight");
  TensorRng rng(seed, "net.0.weight");
  PhiloxBlock expected = philox4x32(
      {uint32_t(index), uint32_t(index >> 32), uint32_t(h), uint32_t(h >> 32)},
      {uint32_t(seed), uint32_t(seed >> 32)});
  CHECK(rng.block(index) == expected);
  CHECK(rng.uniform(index) == double(expected[0] >> 8) / 16777216.0);
}

TEST_CASE("streams depend on seed and name, and are deterministic") {
  TensorRng a(1, "w"), again(1, "w"), otherSeed(2, "w"), otherName(1, "b");
  int sameSeed = 0, sameName = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    CHECK(a.uniform(i) == again.uniform(i));
    sameSeed += a.uniform(i) == otherSeed.uniform(i);
    sameName += a.uniform(i) == otherName.uniform(i);
  }
  CHECK(sameSeed < 5);
  CHECK(sameName < 5);
}

TEST_CASE("uniform and normal moments") {
  TensorRng rng(42, "moments");
  const int n = 200000;
  double sum = 0, sumSq = 0, nsum = 0, nsumSq = 0, nsum4 = 0;
  double lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform(uint64_t(i));
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sumSq += u * u;
    double z = rng.normal(uint64_t(i));
    nsum += z;
    nsumSq += z * z;
    nsum4 += z * z * z * z;
  }
  double mean = sum / n, var = sumSq / n - mean * mean;
  MESSAGE("uniform mean ", mean, " var ", var, " (expect 0.5, 1/12)");
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  CHECK(std::abs(mean - 0.5) < 0.003);
  CHECK(std::abs(var - 1.0 / 12) < 0.002);
  double nmean = nsum / n, nvar = nsumSq / n - nmean * nmean;
  MESSAGE("normal mean ", nmean, " var ", nvar, " kurtosis ", nsum4 / n);
  CHECK(std::abs(nmean) < 0.01);
  CHECK(std::abs(nvar - 1.0) < 0.015);
  CHECK(std::abs(nsum4 / n - 3.0) < 0.1);
}
