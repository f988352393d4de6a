//===- memory.cpp - Sizes from user input, checked before allocating ------===//
//
// The compiler's overflow builtins do the arithmetic; sysconf gives the
// memory. Where sysconf cannot say (it returns -1), no limit is applied
// rather than a made-up one.
//
//===----------------------------------------------------------------------===//
#include "nnrt/memory.h"
#include "nnrt/error.h"

#include <cstdio>
#include <limits>
#include <unistd.h>

namespace nnrt {

namespace {

uint64_t queryPhysicalMemory() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long pageSize = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return std::numeric_limits<uint64_t>::max();
  uint64_t bytes;
  if (__builtin_mul_overflow(uint64_t(pages), uint64_t(pageSize), &bytes))
    return std::numeric_limits<uint64_t>::max();
  return bytes;
}

} // namespace

uint64_t physicalMemory() {
  // A constant of the machine, read once (sysconf costs a system call).
  static const uint64_t bytes = queryPhysicalMemory();
  return bytes;
}

std::string formatBytes(uint64_t bytes) {
  static const char *const kUnits[] = {"KiB", "MiB", "GiB",
                                       "TiB", "PiB", "EiB"};
  if (bytes < 1024)
    return std::to_string(bytes) + " bytes";
  double value = double(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

int64_t checkedMul(int64_t a, int64_t b, const std::string &what) {
  int64_t product;
  if (a < 0 || b < 0)
    throw Error(ErrorKind::OutOfMemory, what + ": a negative size (" + std::to_string(a) + " x " +
                std::to_string(b) + ")");
  if (__builtin_mul_overflow(a, b, &product))
    throw Error(ErrorKind::OutOfMemory, what + ": " + std::to_string(a) + " x " + std::to_string(b) +
                " overflows a 64-bit size");
  return product;
}

std::optional<uint64_t> allocationBytes(int64_t count, int64_t elementSize) {
  int64_t bytes;
  if (count < 0 || elementSize < 0 ||
      __builtin_mul_overflow(count, elementSize, &bytes) ||
      uint64_t(bytes) > physicalMemory())
    return std::nullopt;
  return uint64_t(bytes);
}

uint64_t checkAllocation(int64_t count, int64_t elementSize,
                         const std::string &what) {
  if (std::optional<uint64_t> bytes = allocationBytes(count, elementSize))
    return *bytes;
  uint64_t bytes = uint64_t(checkedMul(count, elementSize, what));
  uint64_t limit = physicalMemory();
  if (bytes > limit)
    throw Error(ErrorKind::OutOfMemory, what + " needs " + formatBytes(bytes) + " (" +
                std::to_string(bytes) + " bytes), more than this machine's " +
                "memory (" + formatBytes(limit) + ")");
  return bytes;
}

size_t workspaceBytes(int64_t reported, const char *what) {
  if (reported < 0)
    throw Error(ErrorKind::OutOfMemory, std::string(what) + " for these input sizes does not fit in a 64-bit size "
                       "(the batch or another dimension is too large)");
  return size_t(reported);
}

} // namespace nnrt
