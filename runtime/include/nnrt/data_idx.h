//===- data_idx.h - IDX arrays (MNIST's format), plain or gzipped ---------===//
//
// IDX is the format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic
// number 0x00 0x00 TYPE NDIMS, then NDIMS big-endian uint32 dimensions, then
// the data in C order, each element big-endian. TYPE is one of
//   0x08 uint8   0x09 int8   0x0B int16   0x0C int32   0x0D float32
//   0x0E float64
// so MNIST's images start 0x00000803 (uint8, [N, rows, cols]) and its labels
// 0x00000801 (uint8, [N]).
//
// Files are decompressed on the way when they are gzip: the format is decided
// by the first two bytes (0x1f 0x8b), not by the name, so a plain file called
// `x.gz` and a gzip file without the suffix both load. Only the bytes the
// header announces are read (byte_source.h), so pipes work and endless
// streams end.
// Every refusal names the file ("train-images-idx3-ubyte.gz: ...").
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_DATA_IDX_H
#define NNRT_DATA_IDX_H

#include "nnrt/byte_source.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace nnrt {

/// One IDX file: its type code, shape and elements, converted from
/// big-endian to host order and kept in their own type.
struct IdxArray {
  uint8_t typeCode = 0x08; ///< 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E.
  std::vector<int64_t> shape;
  std::variant<std::vector<uint8_t>, std::vector<int8_t>, std::vector<int16_t>,
               std::vector<int32_t>, std::vector<float>, std::vector<double>>
      data;

  /// The 32-bit magic number, e.g. 0x00000803.
  uint32_t magic() const;
  /// Number of elements (the product of the shape).
  int64_t numel() const;
  /// The elements as float32; uint8 is divided by 255 when `scaleBytes`.
  std::vector<float> toFloats(bool scaleBytes) const;
  /// The elements as integers; throws Error("<path>: ...") for float data
  /// holding a value that is not an integer.
  std::vector<int64_t> toIntegers(const std::string &path) const;
};

/// Name of an IDX type code ("uint8"), or "" when it is not one.
const char *idxTypeName(uint8_t typeCode);

/// Reads an IDX array from `source`: the magic number, the dimensions, then
/// exactly the bytes they announce, then the end of the source. Throws
/// Error("<name>: ...") for a wrong magic number, an unknown type code, a
/// header cut short, a shape whose size overflows, data shorter than the
/// header promises ("truncated"), data that would not fit in memory, or
/// bytes after the data.
IdxArray readIdx(ByteSource &source);

/// readIdx over bytes in memory; `path` is only for messages.
IdxArray parseIdx(const std::vector<uint8_t> &bytes, const std::string &path);

/// readIdx over the file, gunzipped when it starts with the gzip magic
/// (gzip_source.h). Throws Error("<path>: cannot open: ...") and, for
/// damaged gzip data, Error("<path>: corrupt gzip data: <zlib's reason>").
IdxArray readIdx(const std::string &path);

/// The bytes of an IDX file holding `data` (host order, elements of the
/// type `typeCode` names) with `shape`; for tests and tools.
std::vector<uint8_t> encodeIdx(uint8_t typeCode,
                               const std::vector<int64_t> &shape,
                               const void *data);

} // namespace nnrt

#endif // NNRT_DATA_IDX_H
