//===- npy_test.cpp - .npy round trip, dtypes and refusals ----------------===//
//
// Written arrays read back with shape and values for scalars, vectors and
// matrices; the header is padded to 64 bytes; float64 converts to float32;
// integer dtypes come back typed; version 2.0 headers read; every malformed
// file of the corpus is refused with its message.
//
//===----------------------------------------------------------------------===//
#include "bad_files.h"
#include "nnrt/npy.h"
#include "test_util.h"

#include <cstring>

using namespace nnrt;
using namespace nnrt::testing;

TEST_CASE("npy float32 round trip") {
  ScratchDir dir("npy_round_trip");
  std::vector<std::vector<int64_t>> shapes = {{}, {5}, {2, 3}, {2, 0, 4}};
  for (const auto &shape : shapes) {
    CAPTURE(formatShape(shape));
    std::vector<float> values(size_t(shapeNumel(shape)));
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float(i) * 0.5f - 1.0f;
    std::string path = dir.file("a.npy");
    writeNpyF32(path, shape, values.data());
    NpyArray array = readNpy(path);
    CHECK(array.fileDtype == NpyDType::F32);
    CHECK(array.shape == shape);
    CHECK(array.floats(path) == values);
  }
}

TEST_CASE("the npy header is the one NumPy writes") {
  float values[3] = {1, 2, 3};
  std::string bytes = encodeNpyF32({3}, values);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  size_t length = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
  CHECK((10 + length) % 64 == 0);
  std::string dict = bytes.substr(10, length);
  CHECK(dict.starts_with(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"));
  CHECK(dict.back() == '\n');
  CHECK(bytes.size() == 10 + length + 12);
}

TEST_CASE("float64 converts to float32; integers stay typed") {
  ScratchDir dir("npy_dtypes");
  double wide[2] = {0.1, -2.5};
  std::string raw(reinterpret_cast<const char *>(wide), 16);
  std::string path = dir.file("f8.npy");
  writeBytesFile(path, npyBytes("{'descr': '<f8', 'fortran_order': False, "
                                "'shape': (2,), }",
                                raw));
  NpyArray f8 = readNpy(path);
  CHECK(f8.fileDtype == NpyDType::F64);
  CHECK(f8.floats(path) == std::vector<float>{0.1f, -2.5f});

  int64_t labels[3] = {3, 0, 9};
  writeBytesFile(path,
                 npyBytes("{'shape': (3,), 'fortran_order': False, "
                          "'descr': '<i8'}",
                          std::string(reinterpret_cast<char *>(labels), 24)));
  NpyArray i8 = readNpy(path);
  CHECK(std::get<std::vector<int64_t>>(i8.data) ==
        std::vector<int64_t>{3, 0, 9});
  NNRT_CHECK_ERROR(i8.floats(path), path + ": expected a float array");

  int32_t small[2] = {-1, 7};
  writeBytesFile(path,
                 npyBytes("{'descr': '<i4', 'fortran_order': False, "
                          "'shape': (2,), }",
                          std::string(reinterpret_cast<char *>(small), 8)));
  CHECK(std::get<std::vector<int32_t>>(readNpy(path).data) ==
        std::vector<int32_t>{-1, 7});

  writeBytesFile(path, npyBytes("{'descr': '|u1', 'fortran_order': False, "
                                "'shape': (1, 3), }",
                                "\x01\x02\xff"));
  NpyArray u1 = readNpy(path);
  CHECK(u1.shape == std::vector<int64_t>{1, 3});
  CHECK(std::get<std::vector<uint8_t>>(u1.data) ==
        std::vector<uint8_t>{1, 2, 255});
}

TEST_CASE("version 2.0 headers read") {
  ScratchDir dir("npy_v2");
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  dict.append(64 - 12 - dict.size() - 1 + 64, ' ');
  dict += '\n';
  std::string bytes = std::string("\x93NUMPY\x02\x00", 8);
  uint32_t length = uint32_t(dict.size());
  bytes.append(reinterpret_cast<char *>(&length), 4);
  bytes += dict + floatBytes(2);
  std::string path = dir.file("v2.npy");
  writeBytesFile(path, bytes);
  CHECK(readNpy(path).floats(path) == std::vector<float>{0, 1});
}

TEST_CASE("every malformed npy file is refused with its message") {
  ScratchDir dir("npy_bad");
  int checked = 0;
  for (const BadFile &bad : badFiles()) {
    if (bad.kind != BadKind::Npy)
      continue;
    CAPTURE(bad.name);
    std::string path = dir.file(bad.name);
    writeBytesFile(path, bad.bytes);
    NNRT_CHECK_ERROR(readNpy(path), path + ": " + bad.fragment);
    ++checked;
  }
  CHECK(checked == 9);
  NNRT_CHECK_ERROR(readNpy(dir.file("missing.npy")),
                   "missing.npy: cannot open: No such file or directory");
}
