//===- bad_files.cpp - The corpus of malformed files for runtime tests ----===//
//
// Every refusal the readers document appears here at least once. The bytes
// are built by hand (not by the writers under test) so a bug in a writer
// cannot hide the same bug in a reader.
//
//===----------------------------------------------------------------------===//
#include "bad_files.h"

#include <cstring>

namespace nnrt::testing {
namespace {

std::string le(uint64_t value, int bytes) {
  std::string text;
  for (int i = 0; i < bytes; ++i)
    text += char((value >> (8 * i)) & 0xff);
  return text;
}

const char *kLinear =
    R"("fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},"scale":{"dtype":"F32","shape":[2],"data_offsets":[32,40]})";

std::vector<BadFile> safetensorsCases() {
  using K = BadKind;
  std::string one = floatBytes(2); // 8 bytes of data
  return {
      {K::SafeTensors, "st_short.safetensors", std::string("\x05\x00\x00", 3),
       "file is 3 bytes, too short for the 8-byte header length"},
      {K::SafeTensors, "st_header_past_end.safetensors",
       le(1000, 8) + "{}" + std::string(10, ' '),
       "header length 1000 goes past the end of the file (20 bytes)"},
      {K::SafeTensors, "st_not_json.safetensors",
       safetensorsBytes("{\"a\": [1, 2", ""), "header is not valid JSON"},
      {K::SafeTensors, "st_not_object.safetensors",
       safetensorsBytes("[1, 2]", ""), "header is not a JSON object"},
      {K::SafeTensors, "st_no_dtype.safetensors",
       safetensorsBytes(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", one),
       "tensor `a`: entry has no `dtype`"},
      {K::SafeTensors, "st_no_shape.safetensors",
       safetensorsBytes(R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", one),
       "tensor `a`: entry has no `shape`"},
      {K::SafeTensors, "st_no_offsets.safetensors",
       safetensorsBytes(R"({"a":{"dtype":"F32","shape":[2]}})", one),
       "tensor `a`: entry has no `data_offsets`"},
      {K::SafeTensors, "st_bad_dtype.safetensors",
       safetensorsBytes(
           R"({"a":{"dtype":"Q8","shape":[2],"data_offsets":[0,8]}})", one),
       "tensor `a`: unsupported dtype \"Q8\""},
      {K::SafeTensors, "st_size_mismatch.safetensors",
       safetensorsBytes(
           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", one),
       "tensor `a`: data_offsets [0, 4] hold 4 bytes, but shape [2] of F32 "
       "needs 8"},
      {K::SafeTensors, "st_past_data.safetensors",
       safetensorsBytes(
           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", one),
       "tensor `a`: data_offsets [4, 12] go past the end of the data (8 "
       "bytes)"},
      {K::SafeTensors, "st_overlap.safetensors",
       safetensorsBytes(
           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
           floatBytes(3)),
       "tensors `a` and `b` have overlapping data_offsets"},
      {K::SafeTensors, "st_bad_metadata.safetensors",
       safetensorsBytes(R"({"__metadata__":{"format":1}})", ""),
       "`__metadata__` is not a map of strings"},
  };
}

std::vector<BadFile> loadCases() {
  using K = BadKind;
  std::string weight =
      R"("fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)";
  return {
      {K::Load, "load_missing.safetensors",
       safetensorsBytes(
           std::string("{") + weight +
               R"("scale":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}})",
           floatBytes(8)),
       "missing tensor `fc.bias`"},
      {K::Load, "load_extra.safetensors",
       safetensorsBytes(
           "{" + weight + kLinear +
               R"(,"extra":{"dtype":"F32","shape":[1],"data_offsets":[40,44]}})",
           floatBytes(11)),
       "unexpected tensor `extra`: the model has no tensor of that name"},
      {K::Load, "load_shape.safetensors",
       safetensorsBytes(
           R"({"fc.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]},)" +
               std::string(kLinear) + "}",
           floatBytes(10)),
       "tensor `fc.weight`: shape [3, 2] in file, model expects [2, 3]"},
      {K::Load, "load_dtype.safetensors",
       safetensorsBytes(
           R"({"fc.weight":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]},)"
           R"("fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[48,56]},)"
           R"("scale":{"dtype":"F32","shape":[2],"data_offsets":[56,64]}})",
           floatBytes(16)),
       "tensor `fc.weight`: dtype F64 is not supported: only F32 can be loaded "
       "for now"},
  };
}

std::vector<BadFile> npyCases() {
  using K = BadKind;
  std::string f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': ";
  return {
      {K::Npy, "npy_magic.npy", "PK\x03\x04 this is a zip file",
       "not a .npy file (wrong magic)"},
      {K::Npy, "npy_truncated.npy",
       std::string("\x93NUMPY\x01\x00", 8) + le(200, 2) + "{'descr'",
       "truncated header: header length 200 goes past the end of the file"},
      {K::Npy, "npy_version.npy",
       std::string("\x93NUMPY\x09\x00", 8) + le(0, 2),
       "unsupported .npy version 9.0"},
      {K::Npy, "npy_bad_dict.npy", npyBytes(f4 + "(2, 3 }", floatBytes(6)),
       "bad header dict: expected ',' at byte"},
      {K::Npy, "npy_no_shape.npy",
       npyBytes("{'descr': '<f4', 'fortran_order': False}", floatBytes(1)),
       "bad header dict: no 'shape'"},
      {K::Npy, "npy_fortran.npy",
       npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                floatBytes(6)),
       "fortran_order arrays are not supported"},
      {K::Npy, "npy_dtype.npy",
       npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }",
                floatBytes(6)),
       "unsupported dtype '>f4' (supported: '<f4', '<f8', '<i8', '<i4', "
       "'|u1')"},
      {K::Npy, "npy_short.npy", npyBytes(f4 + "(2, 3), }", floatBytes(2)),
       "data is 8 bytes, but shape (2, 3) of '<f4' needs 24"},
      {K::Npy, "npy_trailing.npy", npyBytes(f4 + "(2, 3), }", floatBytes(7)),
       "4 bytes of unexpected data after the array"},
      {K::Input, "in_int.npy",
       npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }",
                std::string(24, '\0')),
       "expected a float array ('<f4' or '<f8')"},
      {K::Input, "in_width.npy", npyBytes(f4 + "(2, 4), }", floatBytes(8)),
       "input `x`: expected shape [B, 3], got [2, 4]: dimension 1 is 4, "
       "expected 3"},
      {K::Input, "in_rank.npy", npyBytes(f4 + "(6,), }", floatBytes(6)),
       "input `x`: expected shape [B, 3], got [6]: rank 1, expected 2"},
  };
}

} // namespace

std::string safetensorsBytes(const std::string &header,
                             const std::string &data) {
  return le(header.size(), 8) + header + data;
}

std::string npyBytes(const std::string &dict, const std::string &data) {
  std::string text = dict;
  size_t total = (10 + text.size() + 1 + 63) / 64 * 64;
  text.append(total - 10 - text.size() - 1, ' ');
  text += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + le(text.size(), 2) + text + data;
}

std::string floatBytes(int n) {
  std::string bytes;
  for (int i = 0; i < n; ++i) {
    float value = float(i);
    char raw[4];
    std::memcpy(raw, &value, 4);
    bytes.append(raw, 4);
  }
  return bytes;
}

const char *kindName(BadKind kind) {
  switch (kind) {
  case BadKind::SafeTensors:
    return "safetensors";
  case BadKind::Load:
    return "load";
  case BadKind::Npy:
    return "npy";
  case BadKind::Input:
    return "input";
  }
  return "?";
}

std::vector<BadFile> badFiles() {
  std::vector<BadFile> all = safetensorsCases();
  for (auto *cases : {loadCases, npyCases})
    for (BadFile &file : cases())
      all.push_back(std::move(file));
  return all;
}

} // namespace nnrt::testing
