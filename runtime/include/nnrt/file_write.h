//===- file_write.h - Crash-safe writes -----------------------------------===//
//
// Checkpoints and outputs must never be half written: a crash or a full disk
// during a save leaves the previous file intact. writeFileAtomic writes a
// temporary file beside the target (`path.tmp.<pid>`), fsyncs it, renames it
// over the target and fsyncs the directory; on any failure it removes the
// temporary file and throws, and the old file stays as it was.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_WRITE_H
#define NNRT_FILE_WRITE_H

#include <string>
#include <string_view>
#include <vector>

namespace nnrt {

/// Writes the concatenation of `chunks` to `path` atomically (see above).
/// Throws Error("<path>: <problem>").
void writeFileAtomic(const std::string &path,
                     const std::vector<std::string_view> &chunks);

} // namespace nnrt

#endif // NNRT_FILE_WRITE_H
