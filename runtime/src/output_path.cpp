//===- output_path.cpp - Where an output path really leads ----------------===//
//
// stat() (which follows symlinks) says what the path leads to. A folder is
// refused; a device, FIFO or socket is written through at the path as given
// (so /dev/stdout, a link into /proc, keeps working); a regular file or a
// missing one is replaced in the folder of the path's final target, which
// the readlink loop finds even when the link dangles. The folder is checked
// here, so that a typo in `--save` fails before training, not after it.
//
//===----------------------------------------------------------------------===//
#include "output_path.h"
#include "fd.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace nnrt {
namespace {

// Linux's own limit on links followed while resolving one path.
constexpr int kMaxLinks = 40;

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Follows the symlink chain of the last component only: the folders on the
// way need no resolving, since the rename happens inside the final folder.
std::string followLinks(const std::string &path) {
  std::string current = path;
  for (int hops = 0; hops < kMaxLinks; ++hops) {
    struct stat info;
    if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode))
      return current;
    std::string target(size_t(PATH_MAX), '\0');
    ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
    if (n < 0)
      throw Error(ErrorKind::File, path + ": cannot read the symlink `" + current +
                  "`: " + errnoText());
    target.resize(size_t(n));
    current =
        target.starts_with("/") ? target : folderOf(current) + "/" + target;
  }
  throw Error(ErrorKind::File, path + ": too many levels of symbolic links");
}

std::string idText(const struct stat &info) {
  return "id:" + std::to_string(uint64_t(info.st_dev)) + ":" +
         std::to_string(uint64_t(info.st_ino));
}

// The folder must exist, be a folder and take new files. (Root passes the
// access check on any folder of a writable file system, as it should.)
std::string checkFolder(const std::string &path, const std::string &folder) {
  struct stat info;
  if (::stat(folder.c_str(), &info) != 0)
    throw Error(ErrorKind::File, path + ": cannot create: the folder `" + folder + "` " +
                (errno == ENOENT ? std::string("does not exist")
                                 : "cannot be read: " + errnoText()));
  if (!S_ISDIR(info.st_mode))
    throw Error(ErrorKind::File, path + ": cannot create: `" + folder + "` is not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw Error(ErrorKind::File, path + ": cannot create files in `" + folder +
                "`: " + errnoText());
  char canonical[PATH_MAX];
  if (!::realpath(folder.c_str(), canonical))
    throw Error(ErrorKind::File, path + ": cannot resolve the folder `" + folder +
                "`: " + errnoText());
  return canonical;
}

} // namespace

std::string folderOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

ResolvedOutput resolveOutput(const std::string &path) {
  if (path.empty())
    throw Error("an output path is empty");
  ResolvedOutput out;
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode))
      throw Error(ErrorKind::File, path + ": is a directory, not a file");
    if (!S_ISREG(info.st_mode)) {
      if (::access(path.c_str(), W_OK) != 0)
        throw Error(ErrorKind::File, path + ": cannot write: " + errnoText());
      out.destination = path;
      out.identity = idText(info);
      out.through = true;
      return out;
    }
    // Permission bits only: a set-user-ID bit carried over to the new file,
    // which root would own, would be a gift to the old file's owner.
    out.mode = uint32_t(info.st_mode & 0777);
    out.identity = idText(info);
  } else if (errno != ENOENT) {
    throw Error(ErrorKind::File, path + ": cannot create: " + errnoText());
  }
  out.destination = followLinks(path);
  std::string folder =
      checkFolder(path, folderOf(out.destination)); // canonical
  if (out.identity.empty())
    out.identity = "path:" + folder + "/" + baseName(out.destination);
  return out;
}

std::optional<FileId> regularFileId(const std::string &path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return std::nullopt;
  return FileId{uint64_t(info.st_dev), uint64_t(info.st_ino)};
}

void checkNotInput(const std::string &output, const std::string &input,
                   const std::string &role) {
  std::optional<FileId> out = regularFileId(output);
  if (out && out == regularFileId(input))
    throw Error(output + ": is the " + role + " file `" + input +
                "`; an output may not overwrite an input");
}

} // namespace nnrt
