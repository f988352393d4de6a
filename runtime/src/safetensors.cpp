//===- safetensors.cpp - Reading and writing .safetensors files -----------===//
//
// Reading validates in the order a reader meets the bytes: the length prefix,
// the JSON header, each entry, then the entries against each other (sizes,
// bounds, overlaps), then exactly the data the entries cover and the end of
// the file. Header order is kept (ordered_json) so messages and listings
// follow the file.
//
//===----------------------------------------------------------------------===//
#include "nnrt/safetensors.h"
#include "nnrt/byte_source.h"
#include "nnrt/error.h"
#include "nnrt/file_io.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; nnrt assumes a "
              "little-endian host");

namespace nnrt {
namespace {

using Json = nlohmann::ordered_json;

// The reference implementation's limit: a larger header is refused before it
// is read, so that a length field cannot make a stream be read for gigabytes.
constexpr uint64_t kMaxHeaderLength = 100'000'000;

// A header nests 3 levels ({name: {shape: [...]}}). Deeper values are refused
// while parsing: ordered_json copies a value when the object holding it grows
// (its pair<const string, json> has no noexcept move), and the copy recurses,
// so a dtype nested 40000 deep overflowed the stack.
constexpr int kMaxHeaderDepth = 64;

struct HeaderTooDeep {};

Json parseHeaderJson(const std::vector<uint8_t> &bytes, const std::string &path) {
  auto limitDepth = [](int depth, Json::parse_event_t, Json &) {
    if (depth > kMaxHeaderDepth)
      throw HeaderTooDeep{};
    return true;
  };
  try {
    return Json::parse(bytes.begin() + 8, bytes.end(), limitDepth);
  } catch (const HeaderTooDeep &) {
    throw Error(path + ": header is not valid JSON: it nests deeper than " +
                std::to_string(kMaxHeaderDepth) + " levels");
  } catch (const Json::exception &e) {
    throw Error(path + ": header is not valid JSON: " + e.what());
  }
}

struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
    {DType::Bool, "BOOL", 1}};

bool isCount(const Json &value) {
  return value.is_number_unsigned() ||
         (value.is_number_integer() && value.get<int64_t>() >= 0);
}

// Parses one header entry; `fail` prefixes the file and tensor name.
SafeTensorEntry parseEntry(const std::string &name, const Json &value,
                           const std::string &where) {
  auto fail = [&](const std::string &problem) {
    return Error(where + ": tensor `" + name + "`: " + problem);
  };
  if (!value.is_object())
    throw fail("entry is not an object");
  for (const char *key : {"dtype", "shape", "data_offsets"})
    if (!value.contains(key))
      throw fail(std::string("entry has no `") + key + "`");
  SafeTensorEntry entry;
  entry.name = name;
  const Json &dtype = value["dtype"];
  const DTypeInfo *info = nullptr;
  for (const DTypeInfo &candidate : kDTypes)
    if (dtype.is_string() && dtype.get<std::string>() == candidate.name)
      info = &candidate;
  if (!info) // dump() only a string: a nested value could be any depth
    throw fail("unsupported dtype " +
               (dtype.is_string() ? dtype.dump()
                                  : std::string("of JSON type ") +
                                        dtype.type_name()));
  entry.dtype = info->dtype;
  const Json &shape = value["shape"];
  if (!shape.is_array() || !std::all_of(shape.begin(), shape.end(), isCount))
    throw fail("`shape` is not a list of non-negative integers");
  std::vector<uint64_t> dims;
  for (const Json &dim : shape)
    dims.push_back(dim.get<uint64_t>());
  std::optional<uint64_t> size = checkedShapeBytes(dims, info->size);
  if (!size)
    throw fail("shape " + shape.dump() + " is too large");
  uint64_t bytes = *size;
  entry.shape.assign(dims.begin(), dims.end());
  const Json &offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !isCount(offsets[0]) ||
      !isCount(offsets[1]) ||
      offsets[0].get<uint64_t>() > offsets[1].get<uint64_t>())
    throw fail("`data_offsets` is not [begin, end] with begin <= end");
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.end - entry.begin != bytes)
    throw fail("data_offsets [" + std::to_string(entry.begin) + ", " +
               std::to_string(entry.end) + "] hold " +
               std::to_string(entry.end - entry.begin) + " bytes, but shape " +
               formatShape(entry.shape) + " of " + info->name + " needs " +
               std::to_string(bytes));
  return entry;
}

void parseMetadata(const Json &value, SafeTensorsFile &file) {
  if (!value.is_object())
    throw Error(file.path + ": `__metadata__` is not a map of strings");
  for (const auto &[key, item] : value.items()) {
    if (!item.is_string())
      throw Error(file.path + ": `__metadata__` is not a map of strings");
    file.metadata[key] = item.get<std::string>();
  }
}

// Every entry must lie inside the data section and no two may share bytes.
void checkLayout(const SafeTensorsFile &file, uint64_t dataSize) {
  std::vector<const SafeTensorEntry *> sorted;
  for (const SafeTensorEntry &entry : file.entries) {
    if (entry.end > dataSize)
      throw Error(file.path + ": tensor `" + entry.name + "`: data_offsets [" +
                  std::to_string(entry.begin) + ", " +
                  std::to_string(entry.end) +
                  "] go past the end of the data (" + std::to_string(dataSize) +
                  " bytes)");
    if (entry.end > entry.begin)
      sorted.push_back(&entry);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](auto *x, auto *y) { return x->begin < y->begin; });
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i - 1]->end > sorted[i]->begin)
      throw Error(file.path + ": tensors `" + sorted[i - 1]->name + "` and `" +
                  sorted[i]->name + "` have overlapping data_offsets");
}

// Where the data section must end: after the last byte of any tensor.
uint64_t dataEnd(const SafeTensorsFile &file) {
  uint64_t end = 0;
  for (const SafeTensorEntry &entry : file.entries)
    end = std::max(end, entry.end);
  return end;
}

// Reads the 8-byte length and the JSON header into `file.bytes`.
Json readHeader(ByteSource &source, SafeTensorsFile &file) {
  const std::string &path = file.path;
  if (readUpTo(source, 8, file.bytes) < 8)
    throw Error(path + ": file is " + std::to_string(file.bytes.size()) +
                " bytes, too short for the 8-byte header length");
  uint64_t headerLength;
  std::memcpy(&headerLength, file.bytes.data(), 8);
  auto pastEnd = [&](uint64_t fileSize) {
    return Error(path + ": header length " + std::to_string(headerLength) +
                 " goes past the end of the file (" +
                 std::to_string(fileSize) + " bytes)");
  };
  std::optional<uint64_t> left = source.remaining();
  if (left && headerLength > *left)
    throw pastEnd(8 + *left);
  if (headerLength > kMaxHeaderLength)
    throw Error(path + ": header length " + std::to_string(headerLength) +
                " is larger than the " + std::to_string(kMaxHeaderLength) +
                " bytes safetensors allows");
  if (readUpTo(source, headerLength, file.bytes) < headerLength)
    throw pastEnd(file.bytes.size());
  file.dataStart = 8 + headerLength;
  return parseHeaderJson(file.bytes, path);
}

std::string encodeHeader(const std::vector<F32Tensor> &tensors,
                         const std::map<std::string, std::string> &metadata) {
  Json header = Json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const F32Tensor &tensor : tensors) {
    if (header.contains(tensor.name))
      throw Error("tensor `" + tensor.name + "` is written twice");
    uint64_t bytes = uint64_t(shapeNumel(tensor.shape)) * sizeof(float);
    header[tensor.name] = {{"dtype", "F32"},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  uint64_t length = text.size();
  char prefix[8];
  std::memcpy(prefix, &length, 8); // little-endian host, asserted above
  return std::string(prefix, 8) + text;
}

} // namespace

size_t dtypeSize(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.size;
  return 0;
}

const char *dtypeName(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.name;
  return "?";
}

const SafeTensorEntry *SafeTensorsFile::find(const std::string &name) const {
  for (const SafeTensorEntry &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

SafeTensorsFile readSafeTensors(ByteSource &source) {
  SafeTensorsFile file;
  file.path = source.name();
  Json header = readHeader(source, file);
  if (!header.is_object())
    throw Error(file.path + ": header is not a JSON object");
  for (const auto &[name, value] : header.items()) {
    if (name == "__metadata__")
      parseMetadata(value, file);
    else
      file.entries.push_back(parseEntry(name, value, file.path));
  }
  // A file of known size is checked before its data is read; a stream is
  // read as far as the header says and checked against what came.
  uint64_t end = dataEnd(file);
  if (std::optional<uint64_t> left = source.remaining())
    checkLayout(file, *left);
  checkMemory(source, end, "the tensor data");
  uint64_t got = readUpTo(source, end, file.bytes);
  checkLayout(file, got);
  if (std::optional<std::string> tail = unexpectedTail(source))
    throw Error(file.path + ": " + *tail + " after the last tensor (the "
                "data section ends at byte " + std::to_string(end) + ")");
  return file;
}

SafeTensorsFile readSafeTensors(const std::string &path) {
  std::unique_ptr<ByteSource> source = openFile(path);
  return readSafeTensors(*source);
}

std::string
encodeSafeTensors(const std::vector<F32Tensor> &tensors,
                  const std::map<std::string, std::string> &metadata) {
  std::string bytes = encodeHeader(tensors, metadata);
  for (const F32Tensor &tensor : tensors)
    bytes.append(reinterpret_cast<const char *>(tensor.data),
                 size_t(shapeNumel(tensor.shape)) * sizeof(float));
  return bytes;
}

void writeSafeTensors(const std::string &path,
                      const std::vector<F32Tensor> &tensors,
                      const std::map<std::string, std::string> &metadata) {
  std::string header;
  try {
    header = encodeHeader(tensors, metadata);
  } catch (const Error &e) {
    throw Error(path + ": " + e.what());
  }
  // The data goes straight from the arena to the file: no second copy.
  std::vector<std::string_view> chunks = {header};
  for (const F32Tensor &tensor : tensors)
    chunks.emplace_back(reinterpret_cast<const char *>(tensor.data),
                        size_t(shapeNumel(tensor.shape)) * sizeof(float));
  writeFileAtomic(path, chunks);
}

} // namespace nnrt
