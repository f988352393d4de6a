//===- npy.h - Reading and writing NumPy .npy arrays ----------------------===//
//
// Inputs and outputs of `predict`, and later label arrays, are NumPy .npy
// files: the magic "\x93NUMPY", a version (1.0: 2-byte header length, 2.0 and
// 3.0: 4-byte), a Python dict literal {'descr': '<f4', 'fortran_order':
// False, 'shape': (2, 3), } padded to a multiple of 64 bytes, then the raw
// C-order data.
//
// Supported element types: '<f4' and '<f8' (both returned as float32: a
// float64 file is converted, losing precision beyond float32), and '<i8',
// '<i4', '|u1' (returned as they are, for label data). Every refusal names the
// file.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_NPY_H
#define NNRT_NPY_H

#include "nnrt/byte_source.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace nnrt {

/// The element types nnrt reads.
enum class NpyDType { F32, F64, I64, I32, U8 };

/// An array read from a file. `data` holds floats for F32 and F64 files
/// (float64 converted to float32), int64_t for I64, int32_t for I32 and
/// uint8_t for U8.
struct NpyArray {
  NpyDType fileDtype = NpyDType::F32; ///< The element type in the file.
  std::vector<int64_t> shape;
  std::variant<std::vector<float>, std::vector<int64_t>, std::vector<int32_t>,
               std::vector<uint8_t>>
      data;

  /// The float data; throws Error unless the file held '<f4' or '<f8'.
  const std::vector<float> &floats(const std::string &path) const;
};

/// Reads a .npy array from `source`: the preamble, the header dict, then
/// exactly the bytes its shape announces, then the end of the source. Throws
/// Error("<name>: <problem>") for a wrong magic, a truncated or oversized
/// header, a header that is not the expected dict, fortran_order True, an
/// unsupported dtype, a shape whose size overflows, or data shorter (or
/// longer) than the shape.
NpyArray readNpy(ByteSource &source);

/// readNpy over the file at `path` (a regular file, a pipe, /dev/stdin).
NpyArray readNpy(const std::string &path);

/// The bytes of a float32 .npy file (version 1.0, or 2.0 when the header
/// needs it).
std::string encodeNpyF32(const std::vector<int64_t> &shape, const float *data);

/// Writes a float32 .npy file atomically (file_io.h).
void writeNpyF32(const std::string &path, const std::vector<int64_t> &shape,
                 const float *data);

} // namespace nnrt

#endif // NNRT_NPY_H
