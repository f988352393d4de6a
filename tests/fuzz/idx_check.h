//===- idx_check.h - What an accepted IDX array must satisfy --------------===//
//
// Shared by the plain and the gzip IDX harnesses: an accepted array holds
// exactly the elements its shape announces, and converting it to floats or
// integers (as loadIdxPair does for images and labels) either works or
// refuses.
//
//===----------------------------------------------------------------------===//
#ifndef NNC_TESTS_FUZZ_IDX_CHECK_H
#define NNC_TESTS_FUZZ_IDX_CHECK_H

#include "fuzz_util.h"
#include "nnrt/data_idx.h"

#include <variant>

namespace nnc::fuzz {

inline void checkIdx(const nnrt::IdxArray &array) {
  size_t held = std::visit([](const auto &v) { return v.size(); }, array.data);
  FUZZ_REQUIRE(int64_t(held) == array.numel(),
               "element count differs from the shape");
  FUZZ_REQUIRE(array.toFloats(true).size() == held, "toFloats lost elements");
  accepts([&] { array.toIntegers("x.idx"); });
}

} // namespace nnc::fuzz

#endif // NNC_TESTS_FUZZ_IDX_CHECK_H
