//===- output_path.h - Where an output path really leads ------------------===//
//
// Internal to the runtime: the first half of OutputFile (file_write.h). An
// output path may be a new file, a regular file, a symlink (to be followed,
// possibly dangling), a device node or FIFO (to be written through) or
// something that cannot be an output at all (a folder); resolveOutput tells
// which, with stat and readlink only, before anything is written.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_SRC_OUTPUT_PATH_H
#define NNRT_SRC_OUTPUT_PATH_H

#include <cstdint>
#include <optional>
#include <string>

namespace nnrt {

/// What resolveOutput found.
struct ResolvedOutput {
  std::string destination;      ///< The path with symlinks followed.
  std::string identity;         ///< Equal for two paths to the same file.
  bool through = false;         ///< A device, FIFO or socket: written through.
  std::optional<uint32_t> mode; ///< Permissions of the file replaced.
};

/// Resolves `path` and checks that it can be written (see file_write.h).
/// Throws Error("<path>: ...").
ResolvedOutput resolveOutput(const std::string &path);

/// The folder part of a path: "a/b" -> "a", "b" -> ".", "/b" -> "/".
std::string folderOf(const std::string &path);

} // namespace nnrt

#endif // NNRT_SRC_OUTPUT_PATH_H
