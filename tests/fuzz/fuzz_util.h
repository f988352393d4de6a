//===- fuzz_util.h - What the fuzz harnesses share ------------------------===//
//
// A harness feeds one input to a reader and lets libFuzzer judge the outcome:
// a refusal (nnrt::Error, or diagnostics for the compiler) is the expected
// answer to bad bytes; a crash, a sanitizer report, an uncaught exception of
// any other type, a hang or a leak is a bug. Invariants a harness checks on
// what was accepted fail through FUZZ_REQUIRE, which aborts so that libFuzzer
// saves the input.
//
//===----------------------------------------------------------------------===//
#ifndef NNC_TESTS_FUZZ_UTIL_H
#define NNC_TESTS_FUZZ_UTIL_H

#include "nnrt/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace nnc::fuzz {

/// Runs `read`: true when it returned, false when it threw nnrt::Error.
/// Every other exception propagates, so libFuzzer reports it.
template <typename Read> bool accepts(Read &&read) {
  try {
    read();
    return true;
  } catch (const nnrt::Error &) {
    return false;
  }
}

/// Prints `what` and aborts: the input broke an invariant.
[[noreturn]] inline void invariantFailed(const std::string &what) {
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what.c_str());
  std::abort();
}

inline std::string_view asText(const uint8_t *data, size_t size) {
  return {reinterpret_cast<const char *>(data), size};
}

} // namespace nnc::fuzz

#define FUZZ_REQUIRE(cond, what)                                               \
  do {                                                                         \
    if (!(cond))                                                               \
      ::nnc::fuzz::invariantFailed(what);                                      \
  } while (0)

#endif // NNC_TESTS_FUZZ_UTIL_H
