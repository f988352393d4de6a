//===- file_io.h - Whole-file reads and crash-safe writes -----------------===//
//
// Checkpoints and outputs must never be half written: a crash or a full disk
// during a save leaves the previous file intact. writeFileAtomic writes a
// temporary file beside the target (`path.tmp.<pid>`), fsyncs it, renames it
// over the target and fsyncs the directory; on any failure it removes the
// temporary file and throws, and the old file stays as it was.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_IO_H
#define NNRT_FILE_IO_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnrt {

/// Reads the whole file; throws Error("<path>: cannot open: <reason>").
std::vector<uint8_t> readFile(const std::string &path);

/// Writes the concatenation of `chunks` to `path` atomically (see above).
/// Throws Error("<path>: <problem>").
void writeFileAtomic(const std::string &path,
                     const std::vector<std::string_view> &chunks);

} // namespace nnrt

#endif // NNRT_FILE_IO_H
