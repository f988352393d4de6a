//===- fd.h - A file descriptor closed on scope exit ----------------------===//
//
// Internal to the runtime: the file readers and writers use POSIX calls (for
// fstat, fsync and errno's messages), and every early return or throw must
// close what was opened.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_SRC_FD_H
#define NNRT_SRC_FD_H

#include <cerrno>
#include <cstring>
#include <string>
#include <unistd.h>

namespace nnrt {

/// Owns one descriptor; closes it on destruction unless released.
class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

private:
  int fd_;
};

/// strerror(errno), for messages such as "cannot open: No such file".
inline std::string errnoText() { return std::strerror(errno); }

} // namespace nnrt

#endif // NNRT_SRC_FD_H
