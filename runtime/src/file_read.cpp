//===- file_read.cpp - Files as byte sources, and whole-file reads --------===//
//
// POSIX calls rather than iostreams: errno gives the messages users need, and
// fstat tells a directory from a file, and a regular file (whose size bounds
// every allocation) from a pipe or a device (read as a stream), before
// anything is read.
//
//===----------------------------------------------------------------------===//
#include "fd.h"
#include "nnrt/byte_source.h"
#include "nnrt/error.h"
#include "nnrt/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace nnrt {
namespace {

class FileSource : public ByteSource {
public:
  FileSource(const std::string &path, int fd, std::optional<uint64_t> size)
      : ByteSource(path), fd_(fd), size_(size) {}

  std::optional<uint64_t> remaining() const override {
    if (!size_)
      return std::nullopt;
    return *size_ > position_ ? *size_ - position_ : 0; // the file may grow
  }

  size_t readSome(uint8_t *out, size_t size) override {
    for (;;) {
      ssize_t n = ::read(fd_.get(), out, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw Error(ErrorKind::File, name() + ": cannot read: " + errnoText());
      position_ += uint64_t(n);
      return size_t(n);
    }
  }

private:
  Fd fd_;
  std::optional<uint64_t> size_;
  uint64_t position_ = 0;
};

} // namespace

std::unique_ptr<ByteSource> openFile(const std::string &path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    throw Error(ErrorKind::File, path + ": cannot open: " + errnoText());
  struct stat info;
  if (::fstat(fd.get(), &info) != 0)
    throw Error(ErrorKind::File, path + ": cannot stat: " + errnoText());
  if (S_ISDIR(info.st_mode))
    throw Error(ErrorKind::File, path + ": is a directory");
  std::optional<uint64_t> size;
  if (S_ISREG(info.st_mode) && info.st_size > 0)
    size = uint64_t(info.st_size);
  return std::make_unique<FileSource>(path, fd.release(), size);
}

std::vector<uint8_t> readFile(const std::string &path) {
  std::unique_ptr<ByteSource> source = openFile(path);
  return readAll(*source);
}

} // namespace nnrt
