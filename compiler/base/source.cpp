//===- source.cpp - Source files and locations ----------------------------===//
//
// Loading files and mapping byte offsets to line:column for diagnostics.
//
//===----------------------------------------------------------------------===//
#include "base/source.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace nnc {

std::optional<int32_t> SourceManager::load(const std::string &path,
                                           const std::string &displayName) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return addBuffer(displayName.empty() ? path : displayName, ss.str());
}

int32_t SourceManager::addBuffer(std::string name, std::string text) {
  auto file = std::make_unique<SourceFile>();
  file->path = std::move(name);
  file->text = std::move(text);
  file->lineStarts.push_back(0);
  for (uint32_t i = 0; i < file->text.size(); ++i)
    if (file->text[i] == '\n')
      file->lineStarts.push_back(i + 1);
  files_.push_back(std::move(file));
  return static_cast<int32_t>(files_.size() - 1);
}

LineCol SourceManager::lineCol(SourceLoc loc) const {
  const SourceFile &f = file(loc.file);
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(),
                             loc.offset);
  uint32_t line = static_cast<uint32_t>(it - f.lineStarts.begin());
  return {line, loc.offset - f.lineStarts[line - 1] + 1};
}

std::string_view SourceManager::lineText(int32_t id, uint32_t line) const {
  const SourceFile &f = file(id);
  uint32_t begin = f.lineStarts[line - 1];
  uint32_t end = line < f.lineStarts.size() ? f.lineStarts[line] - 1
                                            : static_cast<uint32_t>(f.text.size());
  std::string_view text(f.text);
  return text.substr(begin, end - begin);
}

} // namespace nnc
