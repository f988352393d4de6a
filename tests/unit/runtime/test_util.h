//===- test_util.h - Small helpers shared by the runtime unit tests -------===//
//
// A scratch directory per test and a check that a call throws nnrt::Error
// with a message containing an expected fragment: error tests must check
// what was said, not merely that something failed.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_TEST_UTIL_H
#define NNRT_TESTS_TEST_UTIL_H

#include "nnrt/error.h"

#include "nnrt/file_read.h"
#include "nnrt_model.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

/// The fake model's descriptor (fake_model.cpp), linked into the runtime tests.
extern "C" const nnc_model_descriptor nnc_model;

namespace nnrt::testing {

/// A fresh directory under the system temp dir, removed at scope exit.
class ScratchDir {
public:
  explicit ScratchDir(const std::string &name)
      : path_(std::filesystem::temp_directory_path() /
              ("nnrt_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string &name) const {
    return (path_ / name).string();
  }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

/// The whole file as a string.
inline std::string bytesOf(const std::string &path) {
  std::vector<uint8_t> bytes = nnrt::readFile(path);
  return std::string(bytes.begin(), bytes.end());
}

inline void writeBytesFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), std::streamsize(bytes.size()));
}

/// The message of the nnrt::Error `body` throws; fails the test if none.
template <typename Body> std::string errorOf(Body body) {
  try {
    body();
  } catch (const nnrt::Error &e) {
    return e.what();
  }
  FAIL("expected an nnrt::Error");
  return "";
}

} // namespace nnrt::testing

/// Checks that `expr` throws nnrt::Error whose message contains `fragment`.
#define NNRT_CHECK_ERROR(expr, fragment)                                       \
  do {                                                                         \
    std::string message_ = nnrt::testing::errorOf([&] { (void)(expr); });      \
    INFO("message: ", message_);                                               \
    CHECK(message_.find(fragment) != std::string::npos);                       \
  } while (0)

#endif // NNRT_TESTS_TEST_UTIL_H
