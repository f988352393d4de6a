//===- error.h - The runtime's one exception type -------------------------===//
//
// Everything inside libnnrt reports a user-facing problem (a bad file, a shape
// that does not fit the manifest, an unknown initialiser) by throwing
// nnrt::Error. The message is complete and printable as is: file errors start
// with the file's path ("p.safetensors: header is not valid JSON"). The C API
// and the command line catch it at their boundary; nothing else does.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_ERROR_H
#define NNRT_ERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnrt {

/// A user-facing runtime error with a complete, lower-case message.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

/// Formats a shape as "[2, 3]" for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// Product of the dimensions; 1 for a scalar. Throws Error when the product
/// overflows int64.
int64_t shapeNumel(const std::vector<int64_t> &shape);

} // namespace nnrt

#endif // NNRT_ERROR_H
