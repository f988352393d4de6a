//===- file_read.h - Whole-file reads -------------------------------------===//
//
// For tools and tests that want a whole file. The format readers do not read
// whole files: they read what their headers announce from a ByteSource
// (byte_source.h, openFile), so that endless streams end.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_READ_H
#define NNRT_FILE_READ_H

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// Reads the whole file; throws Error("<path>: cannot open: <reason>"),
/// Error("<path>: is a directory"), and for a stream longer than
/// memoryLimit() Error("<path>: the file is larger than this machine's
/// memory (N bytes)").
std::vector<uint8_t> readFile(const std::string &path);

} // namespace nnrt

#endif // NNRT_FILE_READ_H
