//===- data_idx.cpp - IDX arrays, plain or gzipped ------------------------===//
//
// Gzip goes through zlib's gzread with a large buffer: the 26 MB of
// Fashion-MNIST's training images inflate to 47 MB in a fraction of a second.
// After the data a read of one more byte lets zlib check the CRC and length
// of the gzip trailer, so a damaged file is refused rather than half read.
// Big-endian elements are assembled byte by byte, independent of the host.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data_idx.h"
#include "nnrt/error.h"
#include "nnrt/file_io.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <zlib.h>

namespace nnrt {
namespace {

constexpr size_t kGzipChunk = 1 << 20;

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

// What the first and last bytes of a file say: gzip or not, and for gzip
// the uncompressed size modulo 2^32 from the trailer (exact for the
// single-member files people have; used only to size the buffer).
struct FileProbe {
  bool gzip = false;
  uint32_t sizeHint = 0;
};

FileProbe probeFile(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  FileProbe probe;
  uint8_t magic[2] = {0, 0}, trailer[4] = {0, 0, 0, 0};
  probe.gzip = std::fread(magic, 1, 2, file) == 2 && magic[0] == 0x1f &&
               magic[1] == 0x8b;
  if (probe.gzip && std::fseek(file, -4, SEEK_END) == 0 &&
      std::fread(trailer, 1, 4, file) == 4)
    probe.sizeHint = uint32_t(trailer[0]) | uint32_t(trailer[1]) << 8 |
                     uint32_t(trailer[2]) << 16 | uint32_t(trailer[3]) << 24;
  std::fclose(file);
  return probe;
}

// Closes a gzFile on scope exit.
class GzFile {
public:
  explicit GzFile(gzFile file) : file_(file) {}
  GzFile(const GzFile &) = delete;
  GzFile &operator=(const GzFile &) = delete;
  ~GzFile() {
    if (file_)
      gzclose_r(file_);
  }
  gzFile get() const { return file_; }

private:
  gzFile file_;
};

// Inflates the whole file. The buffer starts at the trailer's size (plus
// one byte, so the read that meets the end also checks the trailer) rather
// than growing by doubling: fresh pages are what a 47 MB read pays most for.
std::vector<uint8_t> gunzipFile(const std::string &path, size_t sizeHint) {
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file.get())
    throw Error(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(file.get(), kGzipChunk);
  std::vector<uint8_t> bytes(sizeHint + 1);
  size_t used = 0;
  for (;;) {
    if (bytes.size() == used)
      bytes.resize(std::max(bytes.size() * 2, used + kGzipChunk));
    size_t room = std::min(bytes.size() - used, kGzipChunk);
    int got = gzread(file.get(), bytes.data() + used, unsigned(room));
    if (got <= 0)
      break;
    used += size_t(got);
  }
  int errnum = Z_OK;
  const char *reason = gzerror(file.get(), &errnum);
  if (errnum != Z_OK) {
    std::string_view text = reason; // zlib writes "<path>: <reason>"
    if (text.starts_with(path + ": "))
      text.remove_prefix(path.size() + 2);
    throw Error(path + ": corrupt gzip data: " + std::string(text));
  }
  bytes.resize(used);
  return bytes;
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

std::vector<uint8_t> readMaybeGzip(const std::string &path) {
  FileProbe probe = probeFile(path);
  if (probe.gzip)
    return gunzipFile(path, probe.sizeHint);
  return readFile(path);
}

IdxArray parseIdx(std::vector<uint8_t> bytes, const std::string &path) {
  if (bytes.size() < 4)
    throw Error(path + ": not an IDX file: " + std::to_string(bytes.size()) +
                " bytes, too short for the magic number");
  uint32_t magic = uint32_t(readBigEndian(bytes.data(), 4));
  const IdxType *type = findType(bytes[2]);
  if (bytes[0] != 0 || bytes[1] != 0 || !type || bytes[3] == 0)
    throw Error(path + ": not an IDX file: wrong magic number " + hex32(magic) +
                " (expected 0x00000TDD: T a type code 08/09/0B/0C/0D/0E, "
                "DD the number of dimensions, e.g. 0x00000803 for images)");
  IdxArray array;
  array.typeCode = type->code;
  size_t rank = bytes[3];
  size_t headerSize = 4 + 4 * rank;
  if (bytes.size() < headerSize)
    throw Error(path + ": truncated header: magic " + hex32(magic) +
                " announces " + std::to_string(rank) + " dimensions, but the " +
                "file has " + std::to_string(bytes.size()) + " bytes");
  uint64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    int64_t dim = int64_t(readBigEndian(bytes.data() + 4 + 4 * d, 4));
    array.shape.push_back(dim);
    count *= uint64_t(dim); // at most 255 factors < 2^32 can overflow ...
    if (count > (uint64_t(1) << 48)) // ... so cap long before that
      throw Error(path + ": shape " + formatShape(array.shape) +
                  " is too large");
  }
  uint64_t needed = count * type->size, have = bytes.size() - headerSize;
  if (have < needed)
    throw Error(path + ": truncated: the header promises " +
                formatShape(array.shape) + " " + type->name + " elements (" +
                std::to_string(needed) + " bytes), but only " +
                std::to_string(have) + " bytes follow");
  if (have > needed)
    throw Error(path + ": " + std::to_string(have - needed) +
                " bytes of unexpected data after the " +
                formatShape(array.shape) + " array");
  if (array.typeCode == 0x08) { // the common case: reuse the buffer
    bytes.erase(bytes.begin(), bytes.begin() + long(headerSize));
    array.data = std::move(bytes);
    return array;
  }
  decodeData(array, bytes.data() + headerSize, size_t(count));
  return array;
}

IdxArray readIdx(const std::string &path) {
  return parseIdx(readMaybeGzip(path), path);
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
