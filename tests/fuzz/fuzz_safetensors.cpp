//===- fuzz_safetensors.cpp - Fuzzes the safetensors reader ---------------===//
//
// The input is a .safetensors file, read as a file of known size and as a
// stream: both must accept or both refuse. An accepted file's entries must
// lie inside its bytes, and its metadata is then read as a checkpoint's
// (checkpointInfo: version, CRC-32, nnc.* values), which may refuse it.
//
//===----------------------------------------------------------------------===//
#include "fuzz_util.h"
#include "nnrt/checkpoint.h"
#include "nnrt/safetensors.h"

using namespace nnrt;
using nnc::fuzz::accepts;

namespace {

void checkFile(const SafeTensorsFile &file) {
  for (const SafeTensorEntry &entry : file.entries) {
    FUZZ_REQUIRE(entry.begin <= entry.end, "entry ends before it begins");
    FUZZ_REQUIRE(file.dataStart + entry.end <= file.bytes.size(),
                 "entry past the end of the bytes accepted");
    uint64_t numel = 1;
    for (int64_t dim : entry.shape) {
      FUZZ_REQUIRE(dim >= 0, "negative dimension accepted");
      numel *= uint64_t(dim);
    }
    FUZZ_REQUIRE(numel * dtypeSize(entry.dtype) == entry.end - entry.begin,
                 "entry size differs from its shape");
  }
  accepts([&] { checkpointInfo(file); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes = nnc::fuzz::asText(data, size);
  MemorySource file("p.safetensors", bytes);
  MemorySource stream("p.safetensors", bytes, false);
  bool fromFile = accepts([&] { checkFile(readSafeTensors(file)); });
  bool fromStream = accepts([&] { checkFile(readSafeTensors(stream)); });
  FUZZ_REQUIRE(fromFile == fromStream,
               "a safetensors file and the same bytes as a stream disagree");
  return 0;
}
