//===- file_read.cpp - Whole-file reads -----------------------------------===//
//
// POSIX calls rather than iostreams: errno gives the messages users need, and
// fstat tells a directory from a file before anything is read.
//
//===----------------------------------------------------------------------===//
#include "fd.h"
#include "nnrt/error.h"
#include "nnrt/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace nnrt {

std::vector<uint8_t> readFile(const std::string &path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    throw Error(path + ": cannot open: " + errnoText());
  struct stat info;
  if (::fstat(fd.get(), &info) != 0)
    throw Error(path + ": cannot stat: " + errnoText());
  if (S_ISDIR(info.st_mode))
    throw Error(path + ": is a directory");
  std::vector<uint8_t> bytes;
  bytes.reserve(size_t(info.st_size));
  uint8_t buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw Error(path + ": cannot read: " + errnoText());
    if (n == 0)
      break;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  return bytes;
}

} // namespace nnrt
