//===- numeric_flags.h - Numeric flags, parsed and checked by hand --------===//
//
// CLI11 converts a flag straight into the variable it is bound to, and for a
// narrower type than the text needs it saturates (`--batch 1e30`) or wraps
// (`--seed -1` into an unsigned seed), and it takes `inf` and `nan` for
// doubles. So every numeric flag of the executable is bound to a string and
// converted here, after parsing, with an Error that names the flag and the
// value as given, like the train block's checks in the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_NUMERIC_FLAGS_H
#define NNRT_CLI_NUMERIC_FLAGS_H

#include <cstdint>
#include <limits>
#include <string>

namespace nnrt::cli {

/// An integer in [least, most]: "--batch must be at least 1, got 0",
/// "--batch must be an integer, got `1.5`".
int64_t integerFlag(const std::string &flag, const std::string &text,
                    int64_t least = 0,
                    int64_t most = std::numeric_limits<int64_t>::max());

/// A seed: any integer in [0, 2^64 - 1], never a wrapped negative one.
uint64_t seedFlag(const std::string &flag, const std::string &text);

/// A finite number: "--lr must be a finite number, got `inf`". Ranges are
/// the caller's (the optimizer checks give PyTorch's messages).
double realFlag(const std::string &flag, const std::string &text);

} // namespace nnrt::cli

#endif // NNRT_CLI_NUMERIC_FLAGS_H
