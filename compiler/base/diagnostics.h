//===- diagnostics.h - The diagnostic engine ------------------------------===//
//
// Compiler code reports problems here and never to std::cerr. Each kind is a
// row of diagnostics.def; a report carries the kind, a source range and its
// arguments, and may be followed by notes. The engine prints, in the style
//
//   mlp.nnm:7:11: error: shape mismatch in `matmul`: ... [ShapeMismatch]
//       return x @ W
//              ^~~~~
//
// and counts errors so that phases can stop when an earlier one failed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "base/source.h"

#include <ostream>
#include <string>
#include <vector>

namespace nnc {

enum class DiagKind {
#define NNC_DIAG(Kind, Severity, Format) Kind,
#include "base/diagnostics.def"
};

enum class Severity { Error, Warning, Note };

/// A reported diagnostic, kept so that tests can inspect what was reported.
struct Diagnostic {
  DiagKind kind;
  Severity severity;
  SourceRange range;
  std::string message;
};

/// The tag printed in brackets after a message: the kind's name.
const char *diagKindName(DiagKind kind);

class DiagnosticEngine {
public:
  DiagnosticEngine(const SourceManager &sources, std::ostream &out)
      : sources_(sources), out_(out) {}

  /// Reports `kind` at `range` with the format arguments `args`.
  void report(DiagKind kind, SourceRange range,
              const std::vector<std::string> &args = {});
  void report(DiagKind kind, SourceLoc loc,
              const std::vector<std::string> &args = {}) {
    report(kind, SourceRange{loc, 1}, args);
  }

  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ > 0; }
  const std::vector<Diagnostic> &reported() const { return reported_; }

  /// Stops printing after this many errors (the rest are only counted).
  void setErrorLimit(unsigned limit) { limit_ = limit; }

private:
  void print(const Diagnostic &d);
  /// Prints `line` and a caret under byte `caret`, underlined for `length`
  /// bytes.
  void printSourceLine(std::string_view line, size_t caret, uint32_t length);

  const SourceManager &sources_;
  std::ostream &out_;
  unsigned errors_ = 0;
  unsigned limit_ = 50;
  std::vector<Diagnostic> reported_;
};

/// Formats `format` with {0}, {1}, ... replaced by `args`.
std::string formatMessage(const char *format,
                          const std::vector<std::string> &args);

/// Internal invariant: a failure is a bug in nnc, never the user's fault.
[[noreturn]] void internalError(const char *file, int line, const char *what);

#define NNC_CHECK(cond, what)                                                  \
  do {                                                                         \
    if (!(cond))                                                               \
      ::nnc::internalError(__FILE__, __LINE__, what);                          \
  } while (0)

} // namespace nnc
