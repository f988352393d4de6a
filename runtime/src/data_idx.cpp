//===- data_idx.cpp - IDX arrays, plain or gzipped ------------------------===//
//
// The reader takes the 4-byte magic, then the dimensions it announces, then
// exactly the data they announce (checked for overflow and against the file's
// size or the machine's memory first), then checks that nothing follows. For
// gzip (gzip_source.h) that last check inflates to the end of the stream, so
// zlib verifies the trailer's CRC-32 and length: a damaged file is refused
// rather than half read. Big-endian elements are assembled byte by byte,
// independent of the host.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data_idx.h"
#include "nnrt/byte_source.h"
#include "nnrt/error.h"
#include "nnrt/gzip_source.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace nnrt {
namespace {

struct IdxType {
  uint8_t code;
  const char *name;
  size_t size;
};

constexpr IdxType kIdxTypes[] = {{0x08, "uint8", 1},   {0x09, "int8", 1},
                                 {0x0B, "int16", 2},   {0x0C, "int32", 4},
                                 {0x0D, "float32", 4}, {0x0E, "float64", 8}};

const IdxType *findType(uint8_t code) {
  for (const IdxType &type : kIdxTypes)
    if (type.code == code)
      return &type;
  return nullptr;
}

std::string hex32(uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

uint64_t readBigEndian(const uint8_t *bytes, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value = value << 8 | bytes[i];
  return value;
}

template <typename T>
std::vector<T> decodeIntegers(const uint8_t *bytes, size_t count) {
  std::vector<T> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = T(readBigEndian(bytes + i * sizeof(T), sizeof(T)));
  return values;
}

template <typename Float, typename Bits>
std::vector<Float> decodeFloats(const uint8_t *bytes, size_t count) {
  std::vector<Float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = std::bit_cast<Float>(
        Bits(readBigEndian(bytes + i * sizeof(Bits), sizeof(Bits))));
  return values;
}

void decodeData(IdxArray &array, const uint8_t *bytes, size_t count) {
  switch (array.typeCode) {
  case 0x08:
    array.data = std::vector<uint8_t>(bytes, bytes + count);
    break;
  case 0x09:
    array.data = decodeIntegers<int8_t>(bytes, count);
    break;
  case 0x0B:
    array.data = decodeIntegers<int16_t>(bytes, count);
    break;
  case 0x0C:
    array.data = decodeIntegers<int32_t>(bytes, count);
    break;
  case 0x0D:
    array.data = decodeFloats<float, uint32_t>(bytes, count);
    break;
  default:
    array.data = decodeFloats<double, uint64_t>(bytes, count);
    break;
  }
}

} // namespace

const char *idxTypeName(uint8_t typeCode) {
  const IdxType *type = findType(typeCode);
  return type ? type->name : "";
}

uint32_t IdxArray::magic() const {
  return uint32_t(typeCode) << 8 | uint32_t(shape.size());
}

int64_t IdxArray::numel() const { return shapeNumel(shape); }

std::vector<float> IdxArray::toFloats(bool scaleBytes) const {
  if (const auto *bytes = std::get_if<std::vector<uint8_t>>(&data)) {
    float table[256];
    for (int v = 0; v < 256; ++v)
      table[v] = scaleBytes ? float(v) / 255.0f : float(v);
    std::vector<float> out(bytes->size());
    for (size_t i = 0; i < bytes->size(); ++i)
      out[i] = table[(*bytes)[i]];
    return out;
  }
  return std::visit(
      [&](const auto &values) {
        std::vector<float> out(values.size());
        for (size_t i = 0; i < values.size(); ++i)
          out[i] = float(values[i]);
        return out;
      },
      data);
}

std::vector<int64_t> IdxArray::toIntegers(const std::string &path) const {
  return std::visit(
      [&](const auto &values) {
        std::vector<int64_t> out(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
          double value = double(values[i]);
          if (value != std::floor(value) || std::abs(value) > 9.0e15)
            throw Error(path + ": element " + std::to_string(i) + " (" +
                        std::to_string(value) + ") is not an integer");
          out[i] = int64_t(value);
        }
        return out;
      },
      data);
}

IdxArray readIdx(ByteSource &source) {
  const std::string &path = source.name();
  std::vector<uint8_t> header;
  if (readUpTo(source, 4, header) < 4)
    throw Error(path + ": not an IDX file: " + std::to_string(header.size()) +
                " bytes, too short for the magic number");
  uint32_t magic = uint32_t(readBigEndian(header.data(), 4));
  const IdxType *type = findType(header[2]);
  if (header[0] != 0 || header[1] != 0 || !type || header[3] == 0)
    throw Error(path + ": not an IDX file: wrong magic number " + hex32(magic) +
                " (expected 0x00000TDD: T a type code 08/09/0B/0C/0D/0E, "
                "DD the number of dimensions, e.g. 0x00000803 for images)");
  IdxArray array;
  array.typeCode = type->code;
  size_t rank = header[3];
  size_t headerSize = 4 + 4 * rank;
  if (4 + readUpTo(source, 4 * rank, header) < headerSize)
    throw Error(path + ": truncated header: magic " + hex32(magic) +
                " announces " + std::to_string(rank) + " dimensions, but the " +
                "file has " + std::to_string(header.size()) + " bytes");
  std::vector<uint64_t> dims;
  for (size_t d = 0; d < rank; ++d) {
    dims.push_back(readBigEndian(header.data() + 4 + 4 * d, 4));
    array.shape.push_back(int64_t(dims.back()));
  }
  std::optional<uint64_t> needed = checkedShapeBytes(dims, type->size);
  if (!needed)
    throw Error(path + ": shape " + formatShape(array.shape) +
                " is too large");
  auto truncated = [&](uint64_t have) {
    return Error(path + ": truncated: the header promises " +
                 formatShape(array.shape) + " " + type->name + " elements (" +
                 std::to_string(*needed) + " bytes), but only " +
                 std::to_string(have) + " bytes follow");
  };
  // A file of known size that is too short is refused before reading it.
  if (std::optional<uint64_t> left = source.remaining(); left && *left < *needed)
    throw truncated(*left);
  checkMemory(source, *needed,
              "the " + formatShape(array.shape) + " " + type->name + " array");
  std::vector<uint8_t> data;
  if (readUpTo(source, *needed, data) < *needed)
    throw truncated(data.size());
  if (std::optional<std::string> tail = unexpectedTail(source))
    throw Error(path + ": " + *tail + " after the " +
                formatShape(array.shape) + " array");
  if (array.typeCode == 0x08) { // the common case: keep the buffer
    array.data = std::move(data);
    return array;
  }
  decodeData(array, data.data(), size_t(*needed / type->size));
  return array;
}

IdxArray parseIdx(const std::vector<uint8_t> &bytes, const std::string &path) {
  MemorySource source(
      path, {reinterpret_cast<const char *>(bytes.data()), bytes.size()});
  return readIdx(source);
}

IdxArray readIdx(const std::string &path) {
  std::unique_ptr<ByteSource> source = maybeGunzip(openFile(path));
  return readIdx(*source);
}

std::vector<uint8_t> encodeIdx(uint8_t typeCode,
                               const std::vector<int64_t> &shape,
                               const void *data) {
  const IdxType *type = findType(typeCode);
  if (!type || shape.empty() || shape.size() > 255)
    throw Error("encodeIdx: bad type code or rank");
  std::vector<uint8_t> bytes = {0, 0, typeCode, uint8_t(shape.size())};
  auto putBigEndian = [&](uint64_t value, size_t size) {
    for (size_t i = size; i-- > 0;)
      bytes.push_back(uint8_t(value >> (8 * i)));
  };
  for (int64_t dim : shape)
    putBigEndian(uint64_t(dim), 4);
  const uint8_t *raw = static_cast<const uint8_t *>(data);
  size_t count = size_t(shapeNumel(shape));
  for (size_t i = 0; i < count; ++i) {
    uint64_t value = 0;
    std::memcpy(&value, raw + i * type->size, type->size); // little-endian
    putBigEndian(value, type->size);
  }
  return bytes;
}

} // namespace nnrt
