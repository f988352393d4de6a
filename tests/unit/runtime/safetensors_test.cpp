//===- safetensors_test.cpp - Safetensors round trip and refusals ---------===//
//
// A written file reads back with the same names, order, shapes, values and
// metadata; its header is 8-byte aligned; every malformed file of the corpus
// is refused with its message, prefixed by the path; a failed atomic write
// leaves the old file and no temporary file.
//
//===----------------------------------------------------------------------===//
#include "bad_files.h"
#include "nnrt/file_io.h"
#include "nnrt/safetensors.h"
#include "test_util.h"

#include <cstring>

using namespace nnrt;
using namespace nnrt::testing;

TEST_CASE("safetensors round trip") {
  ScratchDir dir("st_round_trip");
  std::vector<float> w = {1, 2, 3, 4, 5, 6}, b = {-1.5f, 0.25f};
  float scalar = 7;
  std::string path = dir.file("p.safetensors");
  writeSafeTensors(path,
                   {{"net.0.weight", {2, 3}, w.data()},
                    {"net.0.bias", {2}, b.data()},
                    {"s", {}, &scalar},
                    {"empty", {0, 4}, nullptr}},
                   {{"format", "pt"}});
  SafeTensorsFile file = readSafeTensors(path);
  CHECK(file.metadata.at("format") == "pt");
  REQUIRE(file.entries.size() == 4);
  CHECK(file.entries[0].name == "net.0.weight");
  CHECK(file.entries[1].name == "net.0.bias");
  CHECK(file.entries[0].shape == std::vector<int64_t>{2, 3});
  CHECK(file.entries[2].shape.empty());
  CHECK(file.dataStart % 8 == 0);
  std::vector<float> back(6);
  std::memcpy(back.data(), file.data(file.entries[0]), 24);
  CHECK(back == w);
  std::memcpy(back.data(), file.data(*file.find("net.0.bias")), 8);
  CHECK(back[0] == -1.5f);
  CHECK(back[1] == 0.25f);
  CHECK(file.find("nope") == nullptr);
}

TEST_CASE("the encoder writes the layout of the specification") {
  float value = 1.0f;
  std::string bytes = encodeSafeTensors({{"a", {1}, &value}}, {});
  uint64_t length;
  std::memcpy(&length, bytes.data(), 8);
  CHECK(length % 8 == 0);
  CHECK(bytes.substr(8, length).find(
            R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})") == 0);
  CHECK(bytes.size() == 8 + length + 4);
}

TEST_CASE("every malformed safetensors file is refused with its message") {
  ScratchDir dir("st_bad");
  int checked = 0;
  for (const BadFile &bad : badFiles()) {
    if (bad.kind != BadKind::SafeTensors)
      continue;
    CAPTURE(bad.name);
    std::string path = dir.file(bad.name);
    writeBytesFile(path, bad.bytes);
    NNRT_CHECK_ERROR(readSafeTensors(path), path + ": " + bad.fragment);
    ++checked;
  }
  CHECK(checked == 12);
}

TEST_CASE("a missing file names the file and the reason") {
  NNRT_CHECK_ERROR(readSafeTensors("/nonexistent/p.safetensors"),
                   "/nonexistent/p.safetensors: cannot open: No such file or "
                   "directory");
}

TEST_CASE("valid headers the reader must accept") {
  ScratchDir dir("st_ok");
  // Empty tensors share an offset; entries need not be in offset order.
  std::string path = dir.file("ok.safetensors");
  writeBytesFile(path,
                 safetensorsBytes(
                     R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                     R"("a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]},)"
                     R"("e":{"dtype":"F64","shape":[0],"data_offsets":[4,4]}})",
                     floatBytes(2)));
  SafeTensorsFile file = readSafeTensors(path);
  CHECK(file.entries.size() == 3);
  CHECK(file.find("a")->dtype == DType::I8);
}

TEST_CASE("a failed atomic write keeps the old file and removes the temp") {
  ScratchDir dir("st_atomic");
  std::string path = dir.file("p.safetensors");
  float value = 1.0f;
  writeSafeTensors(path, {{"a", {1}, &value}}, {});
  std::vector<uint8_t> before = readFile(path);
  // A directory in the way is refused before anything is written (the
  // clean-up after a failed staging is file_write_test.cpp's).
  std::string blocked = dir.file("blocked");
  std::filesystem::create_directories(blocked + "/inside");
  NNRT_CHECK_ERROR(writeSafeTensors(blocked, {{"a", {1}, &value}}, {}),
                   blocked + ": is a directory");
  NNRT_CHECK_ERROR(writeSafeTensors(dir.file("no/such/dir/p.safetensors"),
                                    {{"a", {1}, &value}}, {}),
                   "cannot create");
  for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  CHECK(readFile(path) == before);
  CHECK(std::filesystem::is_directory(blocked));
}
