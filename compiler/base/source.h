//===- source.h - Source files and locations ------------------------------===//
//
// Every AST node and IR node carries a SourceLoc so that diagnostics can point
// at the exact text that caused them. Files are owned by the SourceManager and
// never move, so a SourceLoc is just (file id, byte offset) and stays cheap.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnc {

/// A position in a source file: file id and byte offset. Invalid when file < 0.
struct SourceLoc {
  int32_t file = -1;
  uint32_t offset = 0;
  bool valid() const { return file >= 0; }
};

/// A half-open byte range in one file, for underlining.
struct SourceRange {
  SourceLoc begin;
  uint32_t length = 1;
};

struct SourceFile {
  std::string path;
  std::string text;
  std::vector<uint32_t> lineStarts; ///< byte offset of each line's start
};

/// Line and column, both 1-based, as printed in diagnostics.
struct LineCol {
  uint32_t line = 0;
  uint32_t col = 0;
};

/// The length of the well-formed UTF-8 character starting at `text[pos]`
/// (2 to 4 bytes), or 1 when none starts there (ASCII, or a stray byte).
size_t utf8Length(std::string_view text, size_t pos);

/// Owns the text of every file read during a compilation.
class SourceManager {
public:
  /// The largest source file nnc reads: 16 MiB (docs/language.md). A
  /// model is a few KiB; the limit keeps `/dev/zero` from reading forever.
  static constexpr size_t kMaxFileBytes = size_t(16) << 20;

  /// Reads `path` (a file, or a pipe such as /dev/stdin); returns the file
  /// id, or nullopt and a reason in `why` ("it is a directory", "no such
  /// file or directory", ...) when it cannot be read. `missing` is set when
  /// the file does not exist. Diagnostics name the file `displayName`
  /// (default: `path`).
  std::optional<int32_t> load(const std::string &path, std::string &why,
                              bool &missing,
                              const std::string &displayName = "");
  /// Adds an in-memory buffer (tests, stdin) under a display name.
  int32_t addBuffer(std::string name, std::string text);

  const SourceFile &file(int32_t id) const { return *files_[id]; }
  LineCol lineCol(SourceLoc loc) const;
  std::string_view lineText(int32_t file, uint32_t line) const;

private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

} // namespace nnc
