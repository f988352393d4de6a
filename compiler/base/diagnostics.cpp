//===- diagnostics.cpp - The diagnostic engine ----------------------------===//
//
// Formatting and printing of diagnostics with file:line:col, the source line
// and a caret with an underline under the culprit.
//
//===----------------------------------------------------------------------===//
#include "base/diagnostics.h"

#include <algorithm>
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

namespace {

/// `arg` with the bytes a terminal would act on or mangle (control
/// characters, bytes that are not UTF-8) written as `\xNN`: arguments quote
/// the user's files, names and strings.
std::string printable(std::string_view arg) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < arg.size();) {
    unsigned char c = static_cast<unsigned char>(arg[i]);
    size_t n = utf8Length(arg, i);
    if (n == 1 && (c < 0x20 || c >= 0x7F)) {
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    } else {
      out += arg.substr(i, n);
    }
    i += n;
  }
  return out;
}

} // namespace

std::string formatMessage(const char *format,
                          const std::vector<std::string> &args) {
  std::string out;
  for (const char *p = format; *p; ++p) {
    if (*p == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
      size_t index = static_cast<size_t>(p[1] - '0');
      out += index < args.size() ? printable(args[index]) : std::string("?");
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
  printSourceLine(sources_.lineText(d.range.begin.file, lc.line), lc.col - 1,
                  d.range.length);
}

// A line from a file may hold anything: control characters, stray bytes and
// non-ASCII characters (whose widths vary, from zero for a byte-order mark to
// two) are shown as one `?` each, so that the caret lines up, and a long line
// is cut to a window around the caret.
void DiagnosticEngine::printSourceLine(std::string_view line, size_t caret,
                                       uint32_t length) {
  constexpr size_t kShown = 160; // bytes of a long line around the caret
  caret = std::min(caret, line.size());
  size_t begin = 0, end = line.size();
  if (line.size() > kShown) {
    begin = caret > kShown / 2 ? caret - kShown / 2 : 0;
    end = std::min(line.size(), begin + kShown);
    while (begin > 0 && (static_cast<unsigned char>(line[begin]) & 0xC0) == 0x80)
      ++begin; // not in the middle of a UTF-8 character
  }
  std::string shown = begin > 0 ? "..." : "";
  std::string pad(shown.size(), ' ');
  std::string underline;
  size_t last = caret + std::max<uint32_t>(length, 1) - 1;
  for (size_t i = begin; i < end;) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t n = utf8Length(line, i);
    std::string_view text = line.substr(i, n);
    char column = c == '\t' ? '\t' : ' ';
    if (c != '\t' && (c < 0x20 || c >= 0x7F))
      text = "?"; // one column per character, whatever its width

    shown += text;
    if (i < caret)
      pad += column;
    else if (i > caret && i <= last)
      underline += '~';
    i += n;
  }
  if (end < line.size())
    shown += "...";
  out_ << "    " << shown << "\n    " << pad << '^' << underline << "\n";
}

void internalError(const char *file, int line, const char *what) {
  std::fprintf(stderr,
               "internal compiler error: %s (%s:%d)\nplease report this as a "
               "bug in nnc\n",
               what, file, line);
  std::abort();
}

} // namespace nnc
