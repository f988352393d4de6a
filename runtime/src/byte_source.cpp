//===- byte_source.cpp - Bounded reads from files, pipes and memory -------===//
//
// The helpers every reader shares: reading what a header announced without
// trusting the announcement for the allocation, telling whether anything
// follows, and the size checks. Files are opened in file_read.cpp; gzip
// streams are decoded in gzip_source.cpp.
//
//===----------------------------------------------------------------------===//
#include "nnrt/byte_source.h"
#include "nnrt/error.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unistd.h>

namespace nnrt {
namespace {

constexpr uint64_t kFirstChunk = uint64_t(1) << 16;

} // namespace

std::optional<uint64_t> MemorySource::remaining() const {
  if (!knownSize_)
    return std::nullopt;
  return bytes_.size() - position_;
}

size_t MemorySource::readSome(uint8_t *out, size_t size) {
  size_t n = std::min(size, bytes_.size() - position_);
  if (n > 0)
    std::memcpy(out, bytes_.data() + position_, n);
  position_ += n;
  return n;
}

uint64_t readUpTo(ByteSource &source, uint64_t size,
                  std::vector<uint8_t> &out) {
  size_t start = out.size();
  uint64_t got = 0, step = kFirstChunk;
  while (got < size) {
    // A file of known size (or bound, as gzip from a file) is read with one
    // allocation of what it can hold; a stream's buffer doubles as its bytes
    // arrive.
    uint64_t known = source.remainingAtMost().value_or(0);
    uint64_t chunk = std::min(size - got, std::max(known, step));
    step = std::max(step, got);
    out.resize(start + size_t(got + chunk));
    uint64_t filled = 0;
    while (filled < chunk) {
      size_t n = source.readSome(out.data() + start + got + filled,
                                 size_t(chunk - filled));
      if (n == 0)
        break;
      filled += n;
    }
    got += filled;
    if (filled < chunk) {
      out.resize(start + size_t(got));
      break;
    }
  }
  return got;
}

std::optional<std::string> unexpectedTail(ByteSource &source) {
  if (std::optional<uint64_t> left = source.remaining())
    return *left == 0 ? std::nullopt
                      : std::optional<std::string>(std::to_string(*left) +
                                                   " bytes of unexpected data");
  uint8_t byte;
  if (source.readSome(&byte, 1) == 0)
    return std::nullopt;
  return std::string("unexpected data");
}

std::vector<uint8_t> readAll(ByteSource &source) {
  uint64_t limit = memoryLimit();
  if (std::optional<uint64_t> left = source.remaining())
    checkMemory(source, *left, "the file");
  std::vector<uint8_t> bytes;
  if (readUpTo(source, limit, bytes) == limit && unexpectedTail(source))
    throw Error(source.name() + ": the file is larger than this machine's "
                                "memory (" +
                std::to_string(limit) + " bytes)");
  return bytes;
}

uint64_t memoryLimit() {
  long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return uint64_t(1) << 40; // unknown: 1 TiB, still far below 2^64
  uint64_t bytes;
  if (__builtin_mul_overflow(uint64_t(pages), uint64_t(pageSize), &bytes))
    return std::numeric_limits<uint64_t>::max();
  return bytes;
}

void checkMemory(const ByteSource &source, uint64_t bytes,
                 const std::string &what) {
  uint64_t limit = memoryLimit();
  if (bytes > limit)
    throw Error(source.name() + ": " + what + " needs " +
                std::to_string(bytes) +
                " bytes, more than this machine's memory (" +
                std::to_string(limit) + " bytes)");
}

std::optional<uint64_t> checkedShapeBytes(const std::vector<uint64_t> &dims,
                                          uint64_t elementSize) {
  constexpr uint64_t kMax = uint64_t(std::numeric_limits<int64_t>::max());
  uint64_t nonZero = 1;
  bool empty = false;
  for (uint64_t dim : dims) {
    if (dim > kMax)
      return std::nullopt;
    if (dim == 0) {
      empty = true;
      continue;
    }
    if (__builtin_mul_overflow(nonZero, dim, &nonZero) || nonZero > kMax)
      return std::nullopt;
  }
  uint64_t bytes;
  if (__builtin_mul_overflow(nonZero, elementSize, &bytes))
    return std::nullopt;
  return empty ? 0 : bytes;
}

} // namespace nnrt
