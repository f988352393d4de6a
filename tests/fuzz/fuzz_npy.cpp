//===- fuzz_npy.cpp - Fuzzes the .npy reader ------------------------------===//
//
// The input is a .npy file. It is read twice, as a file of known size and as
// a stream (a pipe's view of the same bytes): both must accept or both
// refuse, and an accepted array must hold exactly the elements its shape
// announces.
//
//===----------------------------------------------------------------------===//
#include "fuzz_util.h"
#include "nnrt/npy.h"

#include <variant>

using namespace nnrt;
using nnc::fuzz::accepts;

namespace {

void checkArray(const NpyArray &array) {
  uint64_t numel = 1;
  for (int64_t dim : array.shape) {
    FUZZ_REQUIRE(dim >= 0, "negative dimension accepted");
    numel *= uint64_t(dim);
  }
  size_t held = std::visit([](const auto &v) { return v.size(); }, array.data);
  FUZZ_REQUIRE(held == numel, "element count differs from the shape");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes = nnc::fuzz::asText(data, size);
  MemorySource file("x.npy", bytes), stream("x.npy", bytes, false);
  bool fromFile = accepts([&] { checkArray(readNpy(file)); });
  bool fromStream = accepts([&] { checkArray(readNpy(stream)); });
  FUZZ_REQUIRE(fromFile == fromStream,
               "a .npy file and the same bytes as a stream disagree");
  return 0;
}
