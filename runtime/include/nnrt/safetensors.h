//===- safetensors.h - Reading and writing .safetensors files -------------===//
//
// The parameter and checkpoint format shared with PyTorch: 8 bytes of
// little-endian header length N, N bytes of JSON header, then raw
// little-endian tensor data. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (byte offsets into the data
// section) and may hold a "__metadata__" map of strings. Reading validates the
// whole header before anything uses the data; every refusal names the file.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_SAFETENSORS_H
#define NNRT_SAFETENSORS_H

#include "nnrt/byte_source.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnrt {

/// The dtypes of the safetensors specification.
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

/// Bytes per element.
size_t dtypeSize(DType dtype);
/// The header spelling ("F32").
const char *dtypeName(DType dtype);

/// One tensor of a file, pointing into SafeTensorsFile::data.
struct SafeTensorEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0; ///< Byte offset into the data section.
  uint64_t end = 0;
};

/// A whole file in memory, validated.
struct SafeTensorsFile {
  std::string path;
  std::vector<SafeTensorEntry> entries; ///< In header order.
  std::map<std::string, std::string> metadata;
  std::vector<uint8_t> bytes; ///< The whole file.
  uint64_t dataStart = 0;     ///< Offset of the data section in `bytes`.

  /// The entry called `name`, or nullptr.
  const SafeTensorEntry *find(const std::string &name) const;
  /// The raw bytes of an entry.
  const uint8_t *data(const SafeTensorEntry &entry) const {
    return bytes.data() + dataStart + entry.begin;
  }
};

/// Reads and validates a file from `source`: the header, then exactly the
/// data its entries cover, then the end of the source. Throws
/// Error("<name>: <problem>") for a file shorter than 8 bytes, a header
/// length past the end of the file or above the 100 MB the format allows, a
/// header that is not valid JSON or not an object, an entry missing
/// dtype/shape/data_offsets, an unsupported dtype, a shape whose size
/// overflows, data_offsets that do not match shape * dtype size, offsets past
/// the end of the data, overlapping offsets, data that would not fit in
/// memory, and bytes after the last tensor.
SafeTensorsFile readSafeTensors(ByteSource &source);

/// readSafeTensors over the file at `path` (a regular file, a pipe,
/// /dev/stdin); throws Error("<path>: cannot open: ...") too.
SafeTensorsFile readSafeTensors(const std::string &path);

/// A float32 tensor to write.
struct F32Tensor {
  std::string name;
  std::vector<int64_t> shape;
  const float *data = nullptr; ///< shape-product elements.
};

/// The bytes of a safetensors file holding `tensors` in the given order; the
/// header is padded with spaces to a multiple of 8 bytes, as the reference
/// implementation does, so the data is aligned.
std::string
encodeSafeTensors(const std::vector<F32Tensor> &tensors,
                  const std::map<std::string, std::string> &metadata);

/// Writes the file atomically (file_io.h). Throws Error("<path>: ...").
void writeSafeTensors(const std::string &path,
                      const std::vector<F32Tensor> &tensors,
                      const std::map<std::string, std::string> &metadata);

} // namespace nnrt

#endif // NNRT_SAFETENSORS_H
