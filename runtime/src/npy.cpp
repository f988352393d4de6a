//===- npy.cpp - Reading and writing NumPy .npy arrays --------------------===//
//
// The header is a Python dict literal; a tiny recursive-descent parser reads
// exactly the subset NumPy writes (strings, True/False, tuples of integers)
// rather than pattern-matching text, so reordered keys and spacing variants
// written by other tools still load.
//
//===----------------------------------------------------------------------===//
#include "nnrt/npy.h"
#include "nnrt/byte_source.h"
#include "nnrt/error.h"
#include "nnrt/file_io.h"

#include <bit>
#include <cstring>
#include <optional>

namespace nnrt {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct Header {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

// dict  := '{' (key ':' value ',')* [key ':' value] '}'
// value := string | 'True' | 'False' | tuple
// tuple := '(' [int (',' int)* [',']] ')'
class DictParser {
public:
  explicit DictParser(std::string_view text) : text_(text) {}

  Header parse() {
    Header header;
    bool seen[3] = {false, false, false};
    expect('{');
    while (!peek('}')) {
      std::string key = parseString();
      expect(':');
      if (key == "descr")
        header.descr = parseString(), seen[0] = true;
      else if (key == "fortran_order")
        header.fortranOrder = parseBool(), seen[1] = true;
      else if (key == "shape")
        header.shape = parseTuple(), seen[2] = true;
      else
        fail("unexpected key '" + key + "'");
      if (!peek('}'))
        expect(',');
    }
    expect('}');
    const char *names[3] = {"descr", "fortran_order", "shape"};
    for (int i = 0; i < 3; ++i)
      if (!seen[i])
        fail(std::string("no '") + names[i] + "'");
    return header;
  }

private:
  [[noreturn]] void fail(const std::string &problem) {
    throw Error("bad header dict: " + problem);
  }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c))
      fail(std::string("expected '") + c + "' at byte " + std::to_string(pos_));
    ++pos_;
  }
  std::string parseString() {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      fail("expected a string at byte " + std::to_string(pos_));
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos)
      fail("unterminated string");
    std::string value(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return value;
  }
  bool parseBool() {
    skipSpace();
    for (auto [word, value] : {std::pair{"True", true}, {"False", false}})
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::strlen(word);
        return value;
      }
    fail("expected True or False at byte " + std::to_string(pos_));
  }
  int64_t parseInt() {
    skipSpace();
    size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, text_[pos_] - '0', &value))
        fail("dimension too large");
      ++pos_;
    }
    if (pos_ == start)
      fail("expected a dimension at byte " + std::to_string(pos_));
    if (pos_ < text_.size() && text_[pos_] == 'L') // Python 2 longs
      ++pos_;
    return value;
  }
  std::vector<int64_t> parseTuple() {
    std::vector<int64_t> shape;
    expect('(');
    while (!peek(')')) {
      shape.push_back(parseInt());
      if (!peek(')'))
        expect(',');
    }
    expect(')');
    return shape;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

struct DescrInfo {
  const char *descr;
  NpyDType dtype;
  size_t size;
};

constexpr DescrInfo kDescrs[] = {{"<f4", NpyDType::F32, 4},
                                 {"<f8", NpyDType::F64, 8},
                                 {"<i8", NpyDType::I64, 8},
                                 {"<i4", NpyDType::I32, 4},
                                 {"|u1", NpyDType::U8, 1}};

const DescrInfo *findDescr(const std::string &descr) {
  for (const DescrInfo &info : kDescrs)
    if (descr == info.descr)
      return &info;
  return nullptr;
}

// The dict is at most this long: numpy writes a few dozen bytes (numpy 1.24
// itself refuses more than 10000 unless told otherwise), and a stream must
// not be read for gigabytes because a length field says so.
constexpr uint64_t kMaxHeaderLength = uint64_t(1) << 20;

// Reads the preamble and the header dict's text.
std::string readHeaderText(ByteSource &source) {
  const std::string &path = source.name();
  std::vector<uint8_t> bytes;
  if (readUpTo(source, kMagicSize, bytes) < kMagicSize ||
      std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    throw Error(path + ": not a .npy file (wrong magic)");
  if (readUpTo(source, 2, bytes) < 2)
    throw Error(path + ": truncated header: no version");
  int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3)
    throw Error(path + ": unsupported .npy version " + std::to_string(major) +
                "." + std::to_string(minor));
  size_t lengthSize = major == 1 ? 2 : 4;
  if (readUpTo(source, lengthSize, bytes) < lengthSize)
    throw Error(path + ": truncated header: no header length");
  uint64_t length = 0;
  for (size_t i = 0; i < lengthSize; ++i)
    length |= uint64_t(bytes[8 + i]) << (8 * i);
  auto pastEnd = [&](uint64_t fileSize) {
    return Error(path + ": truncated header: header length " +
                 std::to_string(length) + " goes past the end of the file (" +
                 std::to_string(fileSize) + " bytes)");
  };
  if (std::optional<uint64_t> left = source.remaining(); left && *left < length)
    throw pastEnd(bytes.size() + *left);
  if (length > kMaxHeaderLength)
    throw Error(path + ": header length " + std::to_string(length) +
                " is too large (a .npy header here has at most " +
                std::to_string(kMaxHeaderLength) + " bytes)");
  size_t preamble = bytes.size();
  if (readUpTo(source, length, bytes) < length)
    throw pastEnd(bytes.size());
  return std::string(bytes.begin() + long(preamble), bytes.end());
}

template <typename T>
std::vector<T> copyData(const uint8_t *data, size_t count) {
  std::vector<T> values(count);
  if (count > 0) // memcpy must not see the null data() of an empty vector
    std::memcpy(values.data(), data, count * sizeof(T));
  return values;
}

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

const std::vector<float> &NpyArray::floats(const std::string &path) const {
  if (!std::holds_alternative<std::vector<float>>(data))
    throw Error(path + ": expected a float array ('<f4' or '<f8')");
  return std::get<std::vector<float>>(data);
}

NpyArray readNpy(ByteSource &source) {
  const std::string &path = source.name();
  std::string text = readHeaderText(source);
  Header header;
  try {
    header = DictParser(text).parse();
  } catch (const Error &e) {
    throw Error(path + ": " + e.what());
  }
  if (header.fortranOrder)
    throw Error(path + ": fortran_order arrays are not supported "
                       "(save a C-order array, e.g. np.ascontiguousarray)");
  const DescrInfo *info = findDescr(header.descr);
  if (!info)
    throw Error(path + ": unsupported dtype '" + header.descr +
                "' (supported: '<f4', '<f8', '<i8', '<i4', '|u1')");
  std::vector<uint64_t> dims(header.shape.begin(), header.shape.end());
  std::optional<uint64_t> needed = checkedShapeBytes(dims, info->size);
  if (!needed)
    throw Error(path + ": shape " + shapeTuple(header.shape) + " of '" +
                info->descr + "' is too large");
  auto tooShort = [&](uint64_t have) {
    return Error(path + ": data is " + std::to_string(have) +
                 " bytes, but shape " + shapeTuple(header.shape) + " of '" +
                 info->descr + "' needs " + std::to_string(*needed));
  };
  if (std::optional<uint64_t> left = source.remaining(); left && *left < *needed)
    throw tooShort(*left);
  checkMemory(source, *needed, "shape " + shapeTuple(header.shape) + " of '" +
                                   info->descr + "'");
  std::vector<uint8_t> bytes;
  if (readUpTo(source, *needed, bytes) < *needed)
    throw tooShort(bytes.size());
  if (std::optional<std::string> tail = unexpectedTail(source))
    throw Error(path + ": " + *tail + " after the array");
  NpyArray array;
  array.fileDtype = info->dtype;
  array.shape = header.shape;
  const uint8_t *data = bytes.data();
  size_t count = size_t(*needed / info->size);
  switch (info->dtype) {
  case NpyDType::F32:
    array.data = copyData<float>(data, count);
    break;
  case NpyDType::F64: {
    std::vector<double> wide = copyData<double>(data, count);
    array.data = std::vector<float>(wide.begin(), wide.end());
    break;
  }
  case NpyDType::I64:
    array.data = copyData<int64_t>(data, count);
    break;
  case NpyDType::I32:
    array.data = copyData<int32_t>(data, count);
    break;
  case NpyDType::U8:
    array.data = std::move(bytes);
    break;
  }
  return array;
}

NpyArray readNpy(const std::string &path) {
  std::unique_ptr<ByteSource> source = openFile(path);
  return readNpy(*source);
}

std::string encodeNpyF32(const std::vector<int64_t> &shape, const float *data) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeTuple(shape) +
      ", }";
  // Preamble + dict + '\n' is padded with spaces to a multiple of 64 bytes.
  auto padded = [&](size_t preamble) {
    return (preamble + dict.size() + 1 + 63) / 64 * 64;
  };
  bool v1 = padded(10) - 10 <= 65535; // version 1.0 has a 2-byte length
  size_t preamble = v1 ? 10 : 12;
  size_t total = padded(preamble);
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';
  std::string bytes(kMagic, kMagicSize);
  bytes += char(v1 ? 1 : 2);
  bytes += char(0);
  uint32_t length = uint32_t(dict.size());
  for (size_t i = 0; i < preamble - 8; ++i)
    bytes += char((length >> (8 * i)) & 0xff);
  bytes += dict;
  bytes.append(reinterpret_cast<const char *>(data),
               size_t(shapeNumel(shape)) * sizeof(float));
  return bytes;
}

void writeNpyF32(const std::string &path, const std::vector<int64_t> &shape,
                 const float *data) {
  std::string bytes = encodeNpyF32(shape, data);
  writeFileAtomic(path, {bytes});
}

} // namespace nnrt
