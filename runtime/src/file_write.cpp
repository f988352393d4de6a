//===- file_write.cpp - Outputs that never destroy anything ---------------===//
//
// POSIX calls rather than iostreams: the atomic write needs fsync on the file
// and on its folder, and errno gives the messages users need ("No space left
// on device"). A replaced file is staged beside its destination, so that the
// rename stays inside one file system; a written-through one (a device, a
// FIFO) is staged in the temporary folder and copied in at commit.
//
//===----------------------------------------------------------------------===//
#include "nnrt/file_write.h"
#include "fd.h"
#include "nnrt/error.h"
#include "output_path.h"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <pthread.h>
#include <sys/stat.h>

namespace nnrt {
namespace {

// Writing into a FIFO whose reader has gone raises SIGPIPE, which would kill
// the process with its temporary files still there. While this lives, the
// thread blocks SIGPIPE, so the write fails with EPIPE instead; a SIGPIPE it
// raised is taken off the pending set before the old mask comes back.
class SigpipeBlock {
public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (sigismember(&old_, SIGPIPE))
      return; // blocked before us: not ours to drain
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE)) {
      struct timespec zero = {0, 0};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock &) = delete;
  SigpipeBlock &operator=(const SigpipeBlock &) = delete;

private:
  sigset_t pipe_, old_;
};

void writeAll(int fd, std::string_view bytes, const std::string &path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw Error(ErrorKind::File, path + ": cannot write: " + errnoText());
    bytes.remove_prefix(size_t(n));
  }
}

// Makes the rename durable; some file systems refuse fsync on a folder,
// which is not worth failing a save for.
void syncFolder(const std::string &folder) {
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0)
    ::fsync(dir.get());
}

// A new empty file of our own in the temporary folder.
std::string makeTempFile(const std::string &path) {
  std::string name =
      (std::filesystem::temp_directory_path() / "nnrt-out-XXXXXX").string();
  Fd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0)
    throw Error(ErrorKind::File, path + ": cannot create a temporary file `" + name +
                "`: " + errnoText());
  return name;
}

// Copies the staged file into the device or FIFO at `path`.
void copyInto(const std::string &staged, const std::string &path) {
  Fd in(::open(staged.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0)
    throw Error(ErrorKind::File, path + ": cannot read the staged `" + staged +
                "`: " + errnoText());
  SigpipeBlock block;
  Fd out(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (out.get() < 0)
    throw Error(ErrorKind::File, path + ": cannot open: " + errnoText());
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(in.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw Error(ErrorKind::File, path + ": cannot read the staged `" + staged +
                  "`: " + errnoText());
    if (n == 0)
      break;
    writeAll(out.get(), std::string_view(buffer, size_t(n)), path);
  }
  if (::close(out.release()) != 0)
    throw Error(ErrorKind::File, path + ": cannot close: " + errnoText());
}

} // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  ResolvedOutput resolved = resolveOutput(path_);
  destination_ = std::move(resolved.destination);
  identity_ = std::move(resolved.identity);
  through_ = resolved.through;
  keepMode_ = resolved.mode;
}

OutputFile::OutputFile(OutputFile &&other) noexcept
    : path_(std::move(other.path_)),
      destination_(std::move(other.destination_)),
      identity_(std::move(other.identity_)), through_(other.through_),
      keepMode_(other.keepMode_), staging_(std::move(other.staging_)),
      committed_(other.committed_) {
  other.staging_.clear();
}

OutputFile::~OutputFile() { removeStaging(); }

void OutputFile::removeStaging() {
  if (!staging_.empty())
    ::unlink(staging_.c_str());
  staging_.clear();
}

const std::string &OutputFile::stagingPath() {
  if (!staging_.empty())
    return staging_;
  if (through_) {
    staging_ = makeTempFile(path_);
  } else {
    staging_ = destination_ + ".tmp." + std::to_string(::getpid());
    ::unlink(staging_.c_str()); // a stale one of a killed run
  }
  return staging_;
}

void OutputFile::stage(const std::vector<std::string_view> &chunks) {
  const std::string &tmp = stagingPath();
  try {
    // O_NOFOLLOW: a symlink planted at the temporary name is refused rather
    // than followed to some other file.
    Fd fd(::open(tmp.c_str(),
                 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (fd.get() < 0)
      throw Error(ErrorKind::File, path_ + ": cannot create `" + tmp + "`: " + errnoText());
    if (keepMode_)
      ::fchmod(fd.get(), mode_t(*keepMode_));
    for (std::string_view chunk : chunks)
      writeAll(fd.get(), chunk, path_);
    if (!through_ && ::fsync(fd.get()) != 0)
      throw Error(ErrorKind::File, path_ + ": cannot sync: " + errnoText());
    if (::close(fd.release()) != 0)
      throw Error(ErrorKind::File, path_ + ": cannot close: " + errnoText());
  } catch (...) {
    removeStaging();
    throw;
  }
}

void OutputFile::commit() {
  if (committed_)
    return;
  if (staging_.empty())
    throw Error(ErrorKind::File, path_ + ": nothing was written to commit");
  try {
    if (through_) {
      copyInto(staging_, path_);
      removeStaging();
    } else {
      if (::rename(staging_.c_str(), destination_.c_str()) != 0)
        throw Error(ErrorKind::File, path_ + ": cannot replace: " + errnoText());
      staging_.clear();
      syncFolder(folderOf(destination_));
    }
  } catch (...) {
    removeStaging();
    throw;
  }
  committed_ = true;
}

void writeFileAtomic(const std::string &path,
                     const std::vector<std::string_view> &chunks) {
  OutputFile file(path);
  file.stage(chunks);
  file.commit();
}

} // namespace nnrt
