//===- test_data_util.h - Writing small data files for the data tests -----===//
//
// The data tests build their inputs themselves: tiny IDX files (plain, or
// gzipped with zlib's gzwrite, the writer independent of the reader under
// test), .npy files with any dtype, and text files.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_TEST_DATA_UTIL_H
#define NNRT_TESTS_TEST_DATA_UTIL_H

#include "nnrt/data_idx.h"
#include "test_util.h"

#include <string>
#include <vector>
#include <zlib.h>

namespace nnrt::testing {

inline std::string asString(const std::vector<uint8_t> &bytes) {
  return std::string(bytes.begin(), bytes.end());
}

/// Writes `bytes` gzip-compressed with gzwrite.
inline void writeGzipFile(const std::string &path, const std::string &bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, bytes.data(), unsigned(bytes.size())) ==
          int(bytes.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

/// Writes an IDX file, gzipped when the path ends in ".gz".
inline void writeIdxFile(const std::string &path, uint8_t typeCode,
                         const std::vector<int64_t> &shape, const void *data) {
  std::string bytes = asString(encodeIdx(typeCode, shape, data));
  if (path.ends_with(".gz"))
    writeGzipFile(path, bytes);
  else
    writeBytesFile(path, bytes);
}

/// A .npy file (version 1.0) with the given descr, shape text and raw data.
inline std::string npyFileBytes(const std::string &descr,
                                const std::string &shapeTuple,
                                const std::string &raw) {
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': False, 'shape': " + shapeTuple +
                     ", }";
  while ((10 + dict.size() + 1) % 64 != 0)
    dict += ' ';
  dict += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += char(dict.size() & 0xff);
  bytes += char(dict.size() >> 8);
  return bytes + dict + raw;
}

template <typename T> std::string rawBytes(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}

} // namespace nnrt::testing

#endif // NNRT_TESTS_TEST_DATA_UTIL_H
