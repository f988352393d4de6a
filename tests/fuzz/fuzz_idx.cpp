//===- fuzz_idx.cpp - Fuzzes the IDX reader on plain files ----------------===//
//
// The input is an IDX file (MNIST's format), read as a file of known size and
// as a stream: both must accept or both refuse (idx_check.h says what an
// accepted array must satisfy).
//
//===----------------------------------------------------------------------===//
#include "idx_check.h"

using namespace nnrt;
using nnc::fuzz::accepts;
using nnc::fuzz::checkIdx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes = nnc::fuzz::asText(data, size);
  MemorySource file("x.idx", bytes), stream("x.idx", bytes, false);
  bool fromFile = accepts([&] { checkIdx(readIdx(file)); });
  bool fromStream = accepts([&] { checkIdx(readIdx(stream)); });
  FUZZ_REQUIRE(fromFile == fromStream,
               "an IDX file and the same bytes as a stream disagree");
  return 0;
}
