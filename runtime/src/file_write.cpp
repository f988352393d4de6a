//===- file_write.cpp - Crash-safe writes ---------------------------------===//
//
// POSIX calls rather than iostreams: the atomic write needs fsync on the file
// and on its directory, and errno gives the messages users need ("No space
// left on device").
//
//===----------------------------------------------------------------------===//
#include "fd.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace nnrt {
namespace {

void writeAll(int fd, std::string_view bytes, const std::string &path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw Error(path + ": cannot write: " + errnoText());
    bytes.remove_prefix(size_t(n));
  }
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes the rename durable; some file systems refuse fsync on a directory,
// which is not worth failing a save for.
void syncDirectory(const std::string &path) {
  Fd dir(::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY));
  if (dir.get() >= 0)
    ::fsync(dir.get());
}

void writeTemp(const std::string &tmp, const std::string &path,
               const std::vector<std::string_view> &chunks) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0)
    throw Error(path + ": cannot create `" + tmp + "`: " + errnoText());
  for (std::string_view chunk : chunks)
    writeAll(fd.get(), chunk, path);
  if (::fsync(fd.get()) != 0)
    throw Error(path + ": cannot sync: " + errnoText());
  if (::close(fd.release()) != 0)
    throw Error(path + ": cannot close: " + errnoText());
}

} // namespace

void writeFileAtomic(const std::string &path,
                     const std::vector<std::string_view> &chunks) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    writeTemp(tmp, path, chunks);
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      throw Error(path + ": cannot replace: " + errnoText());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  syncDirectory(path);
}

} // namespace nnrt
