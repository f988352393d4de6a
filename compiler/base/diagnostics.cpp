//===- diagnostics.cpp - The diagnostic engine ----------------------------===//
//
// Formatting and printing of diagnostics with file:line:col, the source line
// and a caret with an underline under the culprit.
//
//===----------------------------------------------------------------------===//
#include "base/diagnostics.h"

#include <cstdio>
#include <cstdlib>

namespace nnc {
namespace {

struct DiagInfo {
  const char *name;
  Severity severity;
  const char *format;
};

constexpr DiagInfo kDiagInfo[] = {
#define NNC_DIAG(Kind, Sev, Format) {#Kind, Severity::Sev, Format},
#include "base/diagnostics.def"
};

const char *severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

} // namespace

const char *diagKindName(DiagKind kind) {
  return kDiagInfo[static_cast<int>(kind)].name;
}

std::string formatMessage(const char *format,
                          const std::vector<std::string> &args) {
  std::string out;
  for (const char *p = format; *p; ++p) {
    if (*p == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
      size_t index = static_cast<size_t>(p[1] - '0');
      out += index < args.size() ? args[index] : std::string("?");
      p += 2;
      continue;
    }
    out += *p;
  }
  return out;
}

void DiagnosticEngine::report(DiagKind kind, SourceRange range,
                              const std::vector<std::string> &args) {
  const DiagInfo &info = kDiagInfo[static_cast<int>(kind)];
  Diagnostic d{kind, info.severity, range, formatMessage(info.format, args)};
  if (d.severity == Severity::Error)
    ++errors_;
  bool suppressed = errors_ > limit_ ||
                    (d.severity == Severity::Note && errors_ > limit_);
  if (!suppressed)
    print(d);
  reported_.push_back(std::move(d));
}

void DiagnosticEngine::print(const Diagnostic &d) {
  if (!d.range.begin.valid()) {
    out_ << severityName(d.severity) << ": " << d.message << " ["
         << diagKindName(d.kind) << "]\n";
    return;
  }
  const SourceFile &file = sources_.file(d.range.begin.file);
  LineCol lc = sources_.lineCol(d.range.begin);
  out_ << file.path << ":" << lc.line << ":" << lc.col << ": "
       << severityName(d.severity) << ": " << d.message << " ["
       << diagKindName(d.kind) << "]\n";
  std::string_view line = sources_.lineText(d.range.begin.file, lc.line);
  out_ << "    " << line << "\n    ";
  // Keep tabs so that the caret lines up under tab-indented source.
  for (uint32_t i = 0; i + 1 < lc.col && i < line.size(); ++i)
    out_ << (line[i] == '\t' ? '\t' : ' ');
  out_ << '^';
  uint32_t room = static_cast<uint32_t>(line.size()) >= lc.col
                      ? static_cast<uint32_t>(line.size()) - lc.col
                      : 0;
  uint32_t tildes = d.range.length > 1 ? d.range.length - 1 : 0;
  for (uint32_t i = 0; i < tildes && i < room; ++i)
    out_ << '~';
  out_ << "\n";
}

void internalError(const char *file, int line, const char *what) {
  std::fprintf(stderr,
               "internal compiler error: %s (%s:%d)\nplease report this as a "
               "bug in nnc\n",
               what, file, line);
  std::abort();
}

} // namespace nnc
