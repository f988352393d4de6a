//===- fuzz_idx_gzip.cpp - Fuzzes the IDX reader on gzip files ------------===//
//
// Mutated deflate data rarely inflates far, so the first byte of the input
// chooses between two harnesses:
//   even: the rest is a gzip file (damaged streams, trailers, concatenated
//         members), read through gzip detection as readIdx(path) does;
//   odd:  the rest is an IDX file, gzipped here (split into two gzip members
//         when the first byte's bit 1 is set), so that the IDX reader runs
//         over decompressed data of unknown size; it must agree with the
//         plain reading of the same bytes.
//
//===----------------------------------------------------------------------===//
#include "idx_check.h"
#include "nnrt/gzip_source.h"

#include <cstring>
#include <zlib.h>

using namespace nnrt;
using nnc::fuzz::accepts;
using nnc::fuzz::checkIdx;

namespace {

// One gzip member holding `bytes`.
std::string gzipMember(std::string_view bytes) {
  z_stream stream;
  std::memset(&stream, 0, sizeof stream);
  // A small window and little memory: the inputs are a few KiB.
  FUZZ_REQUIRE(deflateInit2(&stream, 6, Z_DEFLATED, 16 + 10, 2,
                            Z_DEFAULT_STRATEGY) == Z_OK,
               "deflateInit2 failed");
  std::string out(deflateBound(&stream, uLong(bytes.size())), '\0');
  stream.next_in =
      reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  stream.avail_in = uInt(bytes.size());
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = uInt(out.size());
  FUZZ_REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END, "deflate failed");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  uint8_t mode = data[0];
  std::string_view rest = nnc::fuzz::asText(data + 1, size - 1);
  if (mode % 2 == 0) {
    accepts([&] {
      auto source = maybeGunzip(std::make_unique<MemorySource>("x.gz", rest));
      checkIdx(readIdx(*source));
    });
    return 0;
  }
  std::string gz = (mode & 2) ? gzipMember(rest.substr(0, rest.size() / 2)) +
                                    gzipMember(rest.substr(rest.size() / 2))
                              : gzipMember(rest);
  bool zipped = accepts([&] {
    auto source = gunzip(std::make_unique<MemorySource>("x.gz", gz));
    checkIdx(readIdx(*source));
  });
  MemorySource plain("x.gz", rest);
  bool unzipped = accepts([&] { checkIdx(readIdx(plain)); });
  FUZZ_REQUIRE(zipped == unzipped,
               "an IDX file and its gzip compression disagree");
  return 0;
}
