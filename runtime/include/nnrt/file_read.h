//===- file_read.h - Whole-file reads -------------------------------------===//
//
// The readers of parameter, input and data files start from these bytes.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_READ_H
#define NNRT_FILE_READ_H

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// Reads the whole file; throws Error("<path>: cannot open: <reason>").
std::vector<uint8_t> readFile(const std::string &path);

} // namespace nnrt

#endif // NNRT_FILE_READ_H
