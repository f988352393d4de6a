//===- memory.h - Sizes from user input, checked before allocating --------===//
//
// A batch size, an input shape or a workspace size can come from a flag or a
// file. Multiplied out, it may overflow int64 (and wrap to something small
// that the compiled code would then overrun) or ask for more memory than the
// machine has (and end in an uninformative std::bad_alloc, or the OOM killer
// after a long wait). Every such size goes through these checks first; the
// limit of one allocation is the machine's physical memory.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MEMORY_H
#define NNRT_MEMORY_H

#include <cstdint>
#include <optional>
#include <string>

namespace nnrt {

/// The machine's physical memory in bytes (sysconf's pages times page size,
/// read once).
uint64_t physicalMemory();

/// "7.8 GiB", "512 bytes": a size for messages.
std::string formatBytes(uint64_t bytes);

/// a * b for non-negative a and b; throws Error("<what>: <a> x <b> overflows
/// a 64-bit size") when the product does not fit in int64.
int64_t checkedMul(int64_t a, int64_t b, const std::string &what);

/// The bytes of `count` elements of `elementSize` bytes, or nullopt when the
/// product overflows or exceeds physicalMemory(). Cheap: for hot paths,
/// which build their message only when it fails.
std::optional<uint64_t> allocationBytes(int64_t count, int64_t elementSize);

/// allocationBytes, or throws Error("<what> needs 3.1 TiB (N bytes), more
/// than this machine's memory (7.8 GiB)").
uint64_t checkAllocation(int64_t count, int64_t elementSize,
                         const std::string &what);

/// The size a compiled workspace function returned, checked: -1 (its
/// arithmetic overflowed int64 for these input sizes, nnrt_model.h) or any
/// other negative value throws Error("<what> for these input sizes ...").
/// `what` is a C string: a training step names its workspace without
/// allocating.
size_t workspaceBytes(int64_t reported, const char *what);

} // namespace nnrt

#endif // NNRT_MEMORY_H
