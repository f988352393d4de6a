//===- source.cpp - Source files and locations ----------------------------===//
//
// Loading files and mapping byte offsets to line:column for diagnostics.
//
//===----------------------------------------------------------------------===//
#include "base/source.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nnc {
namespace {

// strerror's "No such file or directory" follows a colon in a message.
std::string lowerFirst(std::string text) {
  if (!text.empty())
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

} // namespace

std::optional<int32_t> SourceManager::load(const std::string &path,
                                           std::string &why, bool &missing,
                                           const std::string &displayName) {
  missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    missing = errno == ENOENT;
    why = lowerFirst(std::strerror(errno));
    return std::nullopt;
  }
  std::string text;
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    why = "it is a directory";
  } else {
    // Read one byte past the limit to tell "at the limit" from "over it".
    char buffer[1 << 16];
    while (why.empty() && text.size() <= kMaxFileBytes) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        why = lowerFirst(std::strerror(errno));
      else if (n == 0)
        break;
      else
        text.append(buffer, size_t(n));
    }
    if (why.empty() && text.size() > kMaxFileBytes)
      why = "it is larger than 16 MiB, the most nnc reads as a source file";
  }
  ::close(fd);
  if (!why.empty())
    return std::nullopt;
  return addBuffer(displayName.empty() ? path : displayName, std::move(text));
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

size_t utf8Length(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u;
  };
  unsigned lead = byte(pos);
  size_t length = lead >= 0xF0 && lead < 0xF5   ? 4
                  : lead >= 0xE0 && lead < 0xF0 ? 3
                  : lead >= 0xC2 && lead < 0xE0 ? 2
                                                : 1;
  for (size_t i = 1; i < length; ++i)
    if ((byte(pos + i) & 0xC0) != 0x80)
      return 1;
  return length;
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
