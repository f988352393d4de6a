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

/// What kind of problem an Error reports: the C API turns it into a status
/// code (nnrt.h's nnrt_status), so that a program can react to a missing
/// file differently from a bad shape without parsing messages.
enum class ErrorKind {
  InvalidArgument, ///< a bad value from the caller (the default)
  Shape,           ///< inputs or targets whose shapes do not fit the model
  File,            ///< a file that cannot be opened, read, written or replaced
  InvalidFile,     ///< a file whose content is malformed or does not fit the model
  OutOfMemory,     ///< an allocation that failed or cannot be represented
  Version,         ///< a model compiled for another ABI, an unknown options struct
  NotFound,        ///< no tensor, module or hook of that name
  State,           ///< not now: the model is running (a hook calls its own model)
  Unsupported,     ///< not in this model: training without a train block, hooks without hook points
};

/// A user-facing runtime error with a complete, lower-case message.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message)
      : std::runtime_error(message), kind_(ErrorKind::InvalidArgument) {}
  Error(ErrorKind kind, const std::string &message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

private:
  ErrorKind kind_;
};

/// Formats a shape as "[2, 3]" for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// Product of the dimensions; 1 for a scalar. Throws Error when the product
/// overflows int64.
int64_t shapeNumel(const std::vector<int64_t> &shape);

} // namespace nnrt

#endif // NNRT_ERROR_H
