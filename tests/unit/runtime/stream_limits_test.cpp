//===- stream_limits_test.cpp - Readers on streams and hostile headers ----===//
//
// The robustness contract of every reader (byte_source.h): it reads what its
// header announces and no more, so an endless stream (/dev/zero, a pipe whose
// writer never stops) ends with a message; pipes and /dev/stdin read like
// files; a directory is refused as one; a size computed from a header that
// overflows, or that no memory could hold, is refused before anything is
// allocated. Also the fixes found on the way: overflowed sizes in messages,
// label errors naming the labels file, .tsv files read with tabs.
//
//===----------------------------------------------------------------------===//
#include "nnrt/byte_source.h"
#include "nnrt/checkpoint.h"
#include "nnrt/data.h"
#include "nnrt/data_idx.h"
#include "nnrt/file_read.h"
#include "nnrt/gzip_source.h"
#include "nnrt/npy.h"
#include "nnrt/safetensors.h"
#include "test_data_util.h"

#include <csignal>
#include <pthread.h>
#include <thread>
#include <unistd.h>

using namespace nnrt;
using namespace nnrt::testing;

namespace {

// A pipe whose writer sends `prefix` and then zeros until the reading side
// is closed; path() names its read end (/dev/fd/N) for the path readers.
class EndlessPipe {
public:
  explicit EndlessPipe(std::string prefix) {
    REQUIRE(::pipe(fds_) == 0);
    writer_ = std::thread([this, prefix = std::move(prefix)] { write(prefix); });
  }
  ~EndlessPipe() {
    ::close(fds_[0]); // the writer then gets EPIPE and stops
    writer_.join();
    ::close(fds_[1]);
  }
  std::string path() const { return "/dev/fd/" + std::to_string(fds_[0]); }

private:
  void write(const std::string &prefix) {
    sigset_t pipeSignal; // EPIPE instead of SIGPIPE, in this thread only
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);
    std::string block = prefix + std::string(1 << 16, '\0');
    while (::write(fds_[1], block.data(), block.size()) > 0)
      block.assign(1 << 16, '\0');
  }

  int fds_[2];
  std::thread writer_;
};

std::string le64(uint64_t value) {
  return std::string(reinterpret_cast<const char *>(&value), 8);
}

std::string npyHeader(const std::string &descr, const std::string &shape) {
  return npyFileBytes(descr, shape, "");
}

} // namespace

TEST_CASE("/dev/zero ends every reader with a message") {
  NNRT_CHECK_ERROR(readSafeTensors("/dev/zero"),
                   "/dev/zero: header is not valid JSON");
  NNRT_CHECK_ERROR(readNpy("/dev/zero"), "/dev/zero: not a .npy file");
  NNRT_CHECK_ERROR(readIdx("/dev/zero"),
                   "/dev/zero: not an IDX file: wrong magic number");
  NNRT_CHECK_ERROR(loadCsv("/dev/zero"), "/dev/zero:1:1: NUL byte");
  NNRT_CHECK_ERROR(loadData("/dev/zero,/dev/zero"), "wrong magic number");
}

TEST_CASE("a valid header then endless data: exactly what it announces") {
  {
    EndlessPipe pipe(npyHeader("<f4", "(2,)"));
    NNRT_CHECK_ERROR(readNpy(pipe.path()),
                     pipe.path() + ": unexpected data after the array");
  }
  {
    std::string header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    EndlessPipe pipe(le64(header.size()) + header);
    NNRT_CHECK_ERROR(readSafeTensors(pipe.path()),
                     ": unexpected data after the last tensor (the data "
                     "section ends at byte 8)");
  }
  {
    std::vector<uint8_t> idx = encodeIdx(0x08, {2}, "\x01\x02");
    EndlessPipe pipe(asString(idx));
    NNRT_CHECK_ERROR(readIdx(pipe.path()),
                     ": unexpected data after the [2] array");
  }
  {
    EndlessPipe pipe("1,2\n"); // a table, then a NUL byte on line 2
    NNRT_CHECK_ERROR(loadCsv(pipe.path()), ":2:1: NUL byte: not a text file");
  }
}

TEST_CASE("pipes read like files") {
  ScratchDir dir("stream_pipes");
  float values[3] = {1, 2, 3};
  std::string npy = encodeNpyF32({3}, values);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    REQUIRE(::write(fds[1], npy.data(), npy.size()) == ssize_t(npy.size()));
    ::close(fds[1]);
  });
  NpyArray array = readNpy("/dev/fd/" + std::to_string(fds[0]));
  writer.join();
  ::close(fds[0]);
  CHECK(array.shape == std::vector<int64_t>{3});
  CHECK(array.floats("") == std::vector<float>{1, 2, 3});

  // The same bytes through a source that hides its size, for each reader.
  MemorySource npyStream("x.npy", npy, false);
  CHECK(readNpy(npyStream).shape == std::vector<int64_t>{3});
  std::string st = encodeSafeTensors({{"w", {3}, values}}, {});
  MemorySource stStream("p.safetensors", st, false);
  CHECK(readSafeTensors(stStream).entries.size() == 1);
  std::string idx = asString(encodeIdx(0x0D, {3}, values));
  MemorySource idxStream("x.idx", idx, false);
  CHECK(readIdx(idxStream).numel() == 3);
  MemorySource csvStream("t.csv", "1,2,0\n3,4,1", false);
  CHECK(loadCsv(csvStream).size() == 2);
}

TEST_CASE("a directory is refused as one") {
  ScratchDir dir("stream_directory");
  std::string path = dir.path().string();
  NNRT_CHECK_ERROR(readSafeTensors(path), path + ": is a directory");
  NNRT_CHECK_ERROR(readNpy(path), path + ": is a directory");
  NNRT_CHECK_ERROR(readIdx(path), path + ": is a directory");
  NNRT_CHECK_ERROR(loadCsv(path + "/"), ": is a directory");
  NNRT_CHECK_ERROR(readFile(path), path + ": is a directory");
}

TEST_CASE("sizes from headers are checked for overflow") {
  // IDX: 65536^4 bytes wrapped to 0, and the array was accepted as empty.
  std::string idx("\x00\x00\x08\x04", 4);
  for (int i = 0; i < 4; ++i)
    idx += std::string("\x00\x01\x00\x00", 4);
  NNRT_CHECK_ERROR(parseIdx({idx.begin(), idx.end()}, "x.idx"),
                   "x.idx: shape [65536, 65536, 65536, 65536] is too large");
  // A zero dimension empties the array but must not hide an overflow
  // elsewhere in the shape (later code multiplies the other dimensions).
  std::string empty("\x00\x00\x08\x03\x00\x00\x00\x00", 8);
  empty += std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  NNRT_CHECK_ERROR(parseIdx({empty.begin(), empty.end()}, "x.idx"),
                   "is too large");

  // .npy: the "needs" count of the message wrapped modulo 2^64.
  std::string big = npyHeader("<f8", "(1099511627776,)");
  MemorySource bigFile("x.npy", big);
  NNRT_CHECK_ERROR(readNpy(bigFile),
                   "x.npy: data is 0 bytes, but shape (1099511627776,) of "
                   "'<f8' needs 8796093022208");
  std::string wraps = npyHeader("<f8", "(2305843009213693952, 4)");
  MemorySource wrapsFile("x.npy", wraps);
  NNRT_CHECK_ERROR(readNpy(wrapsFile),
                   "x.npy: shape (2305843009213693952, 4) of '<f8' is too "
                   "large");

  // safetensors: a dimension above INT64_MAX was read as a negative one.
  std::string header =
      R"({"w":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,0]}})";
  std::string bytes = le64(header.size()) + header; // outlives the source
  MemorySource st("p.safetensors", bytes);
  NNRT_CHECK_ERROR(readSafeTensors(st), "tensor `w`: shape "
                                        "[9223372036854775808] is too large");
  // A number JSON cannot hold is "not valid JSON", not an escaped exception.
  std::string huge = R"({"w":{"dtype":"F32","shape":[1e999],"data_offsets":[0,0]}})";
  std::string hugeBytes = le64(huge.size()) + huge;
  MemorySource hugeFile("p.safetensors", hugeBytes);
  NNRT_CHECK_ERROR(readSafeTensors(hugeFile), "header is not valid JSON");
}

TEST_CASE("what a stream announces is checked before it is allocated") {
  // 2^60 float64 elements: no machine holds 2^63 bytes.
  std::string npy = npyHeader("<f8", "(1152921504606846976,)");
  MemorySource npyStream("x.npy", npy, false);
  NNRT_CHECK_ERROR(readNpy(npyStream),
                   "x.npy: shape (1152921504606846976,) of '<f8' needs "
                   "9223372036854775808 bytes, more than this machine's "
                   "memory");
  // A header length is refused above the format's limit without reading.
  std::string length = le64(uint64_t(1) << 62) + "{}";
  MemorySource st("p.safetensors", length, false);
  NNRT_CHECK_ERROR(readSafeTensors(st),
                   "p.safetensors: header length 4611686018427387904 is "
                   "larger than the 100000000 bytes safetensors allows");
  std::string v2("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12);
  MemorySource npyHeaderStream("x.npy", v2, false);
  NNRT_CHECK_ERROR(readNpy(npyHeaderStream),
                   "x.npy: header length 2147483647 is too large");
  // IDX through gzip: [2^31, 2^31, 2^31] float64 is 2^96 bytes ...
  std::string idx("\x00\x00\x0e\x03", 4);
  for (int i = 0; i < 3; ++i)
    idx += std::string("\x80\x00\x00\x00", 4);
  MemorySource idxStream("x.idx", idx, false);
  NNRT_CHECK_ERROR(readIdx(idxStream), "is too large");
  // ... refused as too large; [2^30, 2^30, 2] uint8 fits in int64 but in no
  // memory.
  std::string large("\x00\x00\x08\x03\x40\x00\x00\x00\x40\x00\x00\x00", 12);
  large += std::string("\x00\x00\x00\x02", 4);
  MemorySource largeStream("x.idx", large, false);
  NNRT_CHECK_ERROR(readIdx(largeStream), "more than this machine's memory");
}

TEST_CASE("a hostile gzip trailer no longer sizes the buffer") {
  ScratchDir dir("stream_gzip_trailer");
  std::string path = dir.file("x.gz");
  std::vector<uint8_t> pixels = {1, 2, 3, 4};
  writeIdxFile(path, 0x08, {4}, pixels.data());
  std::vector<uint8_t> gz = readFile(path);
  for (size_t i = gz.size() - 4; i < gz.size(); ++i)
    gz[i] = 0xff; // ISIZE: 4 GiB - 1 (the old reader allocated that)
  writeBytesFile(path, asString(gz));
  NNRT_CHECK_ERROR(readIdx(path),
                   path + ": corrupt gzip data: incorrect length check");
  // Bytes after the last gzip member are damage too.
  std::vector<uint8_t> good;
  writeIdxFile(path, 0x08, {4}, pixels.data());
  good = readFile(path);
  writeBytesFile(path, asString(good) + "junk");
  NNRT_CHECK_ERROR(readIdx(path), path + ": corrupt gzip data: ");
  // What a small gzip file can inflate to bounds its buffers.
  std::string small = asString(readFile(path));
  auto inflated = gunzip(std::make_unique<MemorySource>("x.gz", small));
  CHECK_FALSE(inflated->remaining());
  REQUIRE(inflated->remainingAtMost());
  CHECK(*inflated->remainingAtMost() <= (small.size() + 1) * 1032);
  // Two members read as one stream, as gzip(1) does.
  std::string idx = asString(encodeIdx(0x08, {4}, pixels.data()));
  std::string two = dir.file("two.gz");
  writeGzipFile(dir.file("a.gz"), idx.substr(0, 6));
  writeGzipFile(dir.file("b.gz"), idx.substr(6));
  writeBytesFile(two, asString(readFile(dir.file("a.gz"))) +
                          asString(readFile(dir.file("b.gz"))));
  CHECK(std::get<std::vector<uint8_t>>(readIdx(two).data) == pixels);
}

TEST_CASE("label errors name the labels file, .tsv uses tabs") {
  ScratchDir dir("stream_data_messages");
  std::string images = dir.file("images"), labels = dir.file("labels");
  std::vector<uint8_t> pixels(8, 1), classes = {0, 5};
  writeIdxFile(images, 0x08, {2, 2, 2}, pixels.data());
  writeIdxFile(labels, 0x08, {2}, classes.data());
  DataOptions options;
  options.numClasses = 3;
  NNRT_CHECK_ERROR(loadData(images + "," + labels, options),
                   labels + ": label 5 of sample 1 is out of range for 3 "
                            "classes (0..2)");
  std::string x = dir.file("x.npy"), y = dir.file("y.npy");
  writeBytesFile(x, npyFileBytes("<f4", "(2, 1)", rawBytes<float>({1, 2})));
  writeBytesFile(y, npyFileBytes("<f4", "(2,)", rawBytes<float>({1, 2})));
  NNRT_CHECK_ERROR(loadData(x + "," + y, options),
                   y + ": the targets are values, not class labels");

  std::string tsv = dir.file("t.tsv");
  writeBytesFile(tsv, "a\tb\tlabel\n1.5\t2\t0\n3\t4\t1\n");
  Dataset table = loadData(tsv).train;
  CHECK(table.size() == 2);
  CHECK(table.inputs == std::vector<float>{1.5f, 2, 3, 4});
  CsvOptions commas;
  commas.delimiter = ',';
  NNRT_CHECK_ERROR(loadCsv(tsv, commas), "a table needs at least 2 columns");
}

TEST_CASE("hostile values inside headers") {
  // A dtype nested a million deep: ordered_json's copy (when the entry's
  // object grows) and dump() would recurse that deep.
  std::string dtype = std::string(1000000, '[') + std::string(1000000, ']');
  std::string header =
      R"({"w":{"dtype":)" + dtype + R"(,"shape":[],"data_offsets":[0,4]}})";
  std::string bytes = le64(header.size()) + header + "abcd";
  MemorySource nested("p.safetensors", bytes);
  NNRT_CHECK_ERROR(readSafeTensors(nested), "p.safetensors: header is not "
                                            "valid JSON: it nests deeper "
                                            "than 64 levels");
  // Shallow enough to parse, but not a dtype: named by its JSON type only.
  std::string array = R"({"w":{"dtype":[[["F32"]]],"shape":[],"data_offsets":[0,4]}})";
  std::string arrayBytes = le64(array.size()) + array + "abcd";
  MemorySource arrayDtype("p.safetensors", arrayBytes);
  NNRT_CHECK_ERROR(readSafeTensors(arrayDtype),
                   "tensor `w`: unsupported dtype of JSON type array");
  // A checkpoint's integer converted from a float out of int64's range.
  SafeTensorsFile file;
  file.path = "c.safetensors";
  file.bytes.assign(8, 0);
  file.dataStart = 8;
  file.metadata = {
      {"nnc.checkpoint", "1"}, {"nnc.crc32", "00000000"}, {"nnc.step", "1"},
      {"nnc.epoch", "1"}, {"nnc.seed", "0"},
      {"nnc.optimizer", R"({"name":"SGD","lr":0.1,"momentum":0.0,)"
                        R"("dampening":0.0,"nesterov":false,"weight_decay":0.0})"},
      {"nnc.data", R"({"batch":1e300,"shuffle":true,"validation":0.0,)"
                   R"("train_samples":6,"normalize":"none"})"}};
  NNRT_CHECK_ERROR(checkpointInfo(file), "c.safetensors: checkpoint metadata: "
                                         "nnc.data has no integer `batch`");
}

TEST_CASE("checked shape sizes") {
  CHECK(checkedShapeBytes({}, 4) == 4u);
  CHECK(checkedShapeBytes({2, 3}, 8) == 48u);
  CHECK(checkedShapeBytes({0, uint64_t(1) << 61}, 4) == 0u);
  // Empty, but 2^62 elements of 4 bytes per row: a later product overflows.
  CHECK_FALSE(checkedShapeBytes({0, uint64_t(1) << 62}, 4));
  CHECK_FALSE(checkedShapeBytes({0, uint64_t(1) << 63}, 1));
  CHECK_FALSE(checkedShapeBytes({uint64_t(1) << 32, uint64_t(1) << 31}, 1));
  CHECK_FALSE(checkedShapeBytes({uint64_t(1) << 62}, 4)); // bytes: 2^64
  CHECK(checkedShapeBytes({uint64_t(1) << 61}, 4) == uint64_t(1) << 63);
}
