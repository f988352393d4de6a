//===- test_data_idx.cpp - IDX files: values, type codes, gzip, refusals --===//
//
// Tiny IDX files written here (plain and gzipped with gzwrite) read back
// with their shape and values; hand-written big-endian bytes pin the byte
// order of every type code; gzip is recognised by its magic whatever the
// name; every malformed file is refused with its message.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/data_idx.h"
#include "nnrt/file_io.h"
#include "test_data_util.h"

using namespace nnrt;
using namespace nnrt::testing;

namespace {

const std::vector<uint8_t> kPixels = {0, 51, 102, 255, 1, 2, 3, 4, 9, 8, 7, 6};
const std::vector<uint8_t> kLabels = {3, 0, 9};

std::vector<uint8_t> bytesOf(std::initializer_list<int> values) {
  return std::vector<uint8_t>(values.begin(), values.end());
}

} // namespace

TEST_CASE("IDX images and labels read back, plain and gzipped") {
  ScratchDir dir("data_idx_basic");
  for (std::string suffix : {"", ".gz"}) {
    CAPTURE(suffix);
    std::string images = dir.file("images" + suffix);
    std::string labels = dir.file("labels" + suffix);
    writeIdxFile(images, 0x08, {3, 2, 2}, kPixels.data());
    writeIdxFile(labels, 0x08, {3}, kLabels.data());
    IdxArray array = readIdx(images);
    CHECK(array.magic() == 0x00000803);
    CHECK(array.shape == std::vector<int64_t>{3, 2, 2});
    CHECK(std::get<std::vector<uint8_t>>(array.data) == kPixels);
    CHECK(readIdx(labels).magic() == 0x00000801);

    Dataset data = loadIdxPair(images, labels);
    CHECK(data.size() == 3);
    CHECK(data.sampleShape == std::vector<int64_t>{2, 2});
    CHECK(data.labels == std::vector<int64_t>{3, 0, 9});
    REQUIRE(data.inputs.size() == 12);
    CHECK(data.inputs[0] == 0.0f);
    CHECK(data.inputs[1] == doctest::Approx(0.2));
    CHECK(data.inputs[3] == 1.0f);
    CHECK(loadIdxPair(images, labels, false).inputs[3] == 255.0f);
  }
}

TEST_CASE("every IDX type code decodes big-endian") {
  // Hand-written files, independent of encodeIdx.
  struct Case {
    std::vector<uint8_t> bytes;
    std::vector<float> values;
  };
  std::vector<Case> cases = {
      {bytesOf({0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x7f}), {-1, 127}},
      {bytesOf({0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe}), {258, -2}},
      {bytesOf({0, 0, 0x0C, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x85}), {-123}},
      {bytesOf({0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0}), {1.5f}},
      {bytesOf({0, 0, 0x0E, 1, 0, 0, 0, 1, 0xc0, 0x04, 0, 0, 0, 0, 0, 0}),
       {-2.5f}},
  };
  for (const Case &c : cases) {
    CAPTURE(int(c.bytes[2]));
    IdxArray array = parseIdx(c.bytes, "t.idx");
    CHECK(array.typeCode == c.bytes[2]);
    CHECK(array.toFloats(true) == c.values);
    std::vector<uint8_t> encoded = std::visit(
        [&](const auto &v) {
          return encodeIdx(array.typeCode, array.shape, v.data());
        },
        array.data);
    CHECK(encoded == c.bytes);
  }
  CHECK(std::string(idxTypeName(0x0D)) == "float32");
  CHECK(std::string(idxTypeName(0x0A)) == "");
}

TEST_CASE("gzip is recognised by its magic, not by the file name") {
  ScratchDir dir("data_idx_magic");
  std::string bytes = asString(encodeIdx(0x08, {3}, kLabels.data()));
  writeGzipFile(dir.file("labels.idx"), bytes); // gzip without .gz
  writeBytesFile(dir.file("labels.gz"), bytes); // plain with .gz
  CHECK(std::get<std::vector<uint8_t>>(readIdx(dir.file("labels.idx")).data) ==
        kLabels);
  CHECK(std::get<std::vector<uint8_t>>(readIdx(dir.file("labels.gz")).data) ==
        kLabels);
}

TEST_CASE("integer label files of wider types load as labels") {
  ScratchDir dir("data_idx_int_labels");
  std::vector<int32_t> labels = {7, 1, 0};
  writeIdxFile(dir.file("labels"), 0x0C, {3}, labels.data());
  writeIdxFile(dir.file("images"), 0x08, {3, 4}, kPixels.data());
  Dataset data = loadIdxPair(dir.file("images"), dir.file("labels"));
  CHECK(data.labels == std::vector<int64_t>{7, 1, 0});
  CHECK(data.sampleShape == std::vector<int64_t>{4});

  std::vector<float> fractional = {1.0f, 2.5f, 0.0f};
  writeIdxFile(dir.file("labels"), 0x0D, {3}, fractional.data());
  NNRT_CHECK_ERROR(loadIdxPair(dir.file("images"), dir.file("labels")),
                   "labels: element 1 (2.500000) is not an integer");
}

TEST_CASE("IDX refusals name the file and the problem") {
  ScratchDir dir("data_idx_errors");
  std::string path = dir.file("bad");

  NNRT_CHECK_ERROR(readIdx(dir.file("missing-images-idx3-ubyte.gz")),
                   "missing-images-idx3-ubyte.gz: cannot open: No such file");

  writeBytesFile(path, std::string("\x01\x02\x08\x01\0\0\0\0", 8));
  NNRT_CHECK_ERROR(readIdx(path),
                   path + ": not an IDX file: wrong magic number 0x01020801");
  writeBytesFile(path, std::string("\0\0\x0A\x01\0\0\0\0", 8));
  NNRT_CHECK_ERROR(readIdx(path), "wrong magic number 0x00000A01");
  writeBytesFile(path, std::string("\0\0", 2));
  NNRT_CHECK_ERROR(readIdx(path), "2 bytes, too short for the magic number");

  writeBytesFile(path, std::string("\0\0\x08\x03\0\0\0\x05", 8));
  NNRT_CHECK_ERROR(readIdx(path),
                   "truncated header: magic 0x00000803 announces 3 dimensions");

  // The header promises 5 labels; 3 follow.
  writeBytesFile(path, std::string("\0\0\x08\x01\0\0\0\x05\x01\x02\x03", 11));
  NNRT_CHECK_ERROR(readIdx(path),
                   path + ": truncated: the header promises [5] uint8 "
                          "elements (5 bytes), but only 3 bytes follow");
  writeGzipFile(path, std::string("\0\0\x08\x01\0\0\0\x05\x01\x02\x03", 11));
  NNRT_CHECK_ERROR(readIdx(path), "but only 3 bytes follow");

  writeBytesFile(path, std::string("\0\0\x08\x01\0\0\0\x01\x01\x02", 10));
  NNRT_CHECK_ERROR(readIdx(path),
                   "1 bytes of unexpected data after the [1] array");
}

TEST_CASE("corrupt and cut gzip files are refused") {
  ScratchDir dir("data_idx_gzip");
  std::vector<uint8_t> pixels(4000);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 7 % 251);
  std::string good = dir.file("good.gz");
  writeIdxFile(good, 0x08, {10, 20, 20}, pixels.data());
  std::vector<uint8_t> gz = readFile(good);
  REQUIRE(gz.size() > 40);

  std::string path = dir.file("bad.gz");
  std::vector<uint8_t> garbled = gz;
  for (size_t i = 12; i < 24; ++i) // inside the deflate stream
    garbled[i] ^= 0x5a;
  writeBytesFile(path, asString(garbled));
  NNRT_CHECK_ERROR(readIdx(path), path + ": corrupt gzip data: ");

  std::vector<uint8_t> badCrc = gz;
  badCrc.at(badCrc.size() - 6) ^= 0xff; // the CRC-32 in the trailer
  writeBytesFile(path, asString(badCrc));
  NNRT_CHECK_ERROR(readIdx(path), path + ": corrupt gzip data: incorrect data "
                                         "check");

  std::vector<uint8_t> cut(gz.begin(), gz.begin() + long(gz.size() / 2));
  writeBytesFile(path, asString(cut));
  NNRT_CHECK_ERROR(readIdx(path),
                   path + ": corrupt gzip data: unexpected end of file");
}

TEST_CASE("IDX pairs must agree") {
  ScratchDir dir("data_idx_pairs");
  std::string images = dir.file("images"), labels = dir.file("labels");
  writeIdxFile(images, 0x08, {3, 2, 2}, kPixels.data());
  writeIdxFile(labels, 0x08, {2}, kLabels.data());
  NNRT_CHECK_ERROR(loadIdxPair(images, labels),
                   images + " has 3 samples, but " + labels + " has 2 labels");
  writeIdxFile(labels, 0x08, {3}, kLabels.data());
  NNRT_CHECK_ERROR(loadIdxPair(labels, labels),
                   labels + ": expected inputs [N, ...] (e.g. magic "
                            "0x00000803 for [N, rows, cols] images), but "
                            "magic 0x00000801 is a 1-dimensional array");
  NNRT_CHECK_ERROR(loadIdxPair(images, images),
                   images + ": expected labels [N] (magic 0x00000801), but "
                            "the file holds a 3-dimensional array [3, 2, 2]");
}
