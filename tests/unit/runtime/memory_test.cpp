//===- memory_test.cpp - Sizes checked before allocating ------------------===//
//
// memory.h's overflow and memory checks, shapeNumel's overflow, and the
// buffers of the runtime that are sized from user input refusing sizes past
// the machine's memory with a sentence rather than std::bad_alloc.
//
//===----------------------------------------------------------------------===//
#include "nnrt/memory.h"
#include "nnrt/param_store.h"
#include "test_util.h"

#include <limits>

using namespace nnrt;

TEST_CASE("formatBytes and physicalMemory") {
  CHECK(formatBytes(0) == "0 bytes");
  CHECK(formatBytes(1023) == "1023 bytes");
  CHECK(formatBytes(1536) == "1.5 KiB");
  CHECK(formatBytes(uint64_t(3) << 30) == "3.0 GiB");
  CHECK(formatBytes(std::numeric_limits<uint64_t>::max()) == "16.0 EiB");
  CHECK(physicalMemory() > (uint64_t(64) << 20));
}

TEST_CASE("checked sizes") {
  CHECK(checkedMul(3, 4, "x") == 12);
  NNRT_CHECK_ERROR(checkedMul(INT64_MAX, 2, "the state"),
                   "the state: 9223372036854775807 x 2 overflows a 64-bit "
                   "size");
  NNRT_CHECK_ERROR(checkedMul(-1, 2, "the state"), "a negative size");
  CHECK(allocationBytes(1000, 4) == uint64_t(4000));
  CHECK_FALSE(allocationBytes(INT64_MAX, 4));
  CHECK_FALSE(allocationBytes(-1, 4));
  CHECK(checkAllocation(10, 4, "x") == 40);
  int64_t tooMany = int64_t(physicalMemory() / 4 + 1);
  NNRT_CHECK_ERROR(checkAllocation(tooMany, 4, "input `x` of shape [N]"),
                   "input `x` of shape [N] needs ");
  NNRT_CHECK_ERROR(checkAllocation(tooMany, 4, "input"),
                   ", more than this machine's memory (" +
                       formatBytes(physicalMemory()) + ")");
  NNRT_CHECK_ERROR(shapeNumel({INT64_MAX, 2}),
                   "shape [9223372036854775807, 2] has too many elements for "
                   "a 64-bit count");
  CHECK(shapeNumel({3, 0, INT64_MAX}) == 0);
  NNRT_CHECK_ERROR(AlignedBuffer(size_t(-1), "the workspace"),
                   "the workspace needs 18446744073709551615 bytes, more than "
                   "a 64-bit size");
  NNRT_CHECK_ERROR(AlignedBuffer(physicalMemory() + 1, "the workspace"),
                   "the workspace needs ");
}
