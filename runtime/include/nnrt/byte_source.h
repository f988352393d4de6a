//===- byte_source.h - Bounded reads from files, pipes and memory ---------===//
//
// Every reader of a parameter, checkpoint, input or data file takes its bytes
// from a ByteSource and asks for exactly what its format's header announces:
// the header, then the announced bytes, then a check that the source ends
// there. So an endless stream (/dev/zero, a pipe that never closes) is never
// read past what the format needs, pipes and /dev/stdin work, and the size a
// hostile header announces costs nothing until the bytes actually arrive:
// buffers grow with the data read (all at once only up to what a file of
// known size holds), never to the announced size in one allocation.
//
// Sizes computed from a header are checked for overflow (checkedShapeBytes)
// and against memoryLimit() before anything is allocated, so a hostile header
// gets a message naming the file instead of std::bad_alloc or the OOM killer.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_BYTE_SOURCE_H
#define NNRT_BYTE_SOURCE_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnrt {

/// A sequence of bytes read front to back.
class ByteSource {
public:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}
  virtual ~ByteSource() = default;
  ByteSource(const ByteSource &) = delete;
  ByteSource &operator=(const ByteSource &) = delete;

  /// The name messages start with (the file's path).
  const std::string &name() const { return name_; }
  /// Bytes left when the size is known (a regular file, memory); nullopt for
  /// a stream (a pipe, a character device, decompressed data).
  virtual std::optional<uint64_t> remaining() const = 0;
  /// At most this many bytes are left, when that is known: remaining(), or
  /// for decompressed data a bound from the compressed size. Only sizes
  /// buffers; never a promise that the bytes exist.
  virtual std::optional<uint64_t> remainingAtMost() const {
    return remaining();
  }
  /// Reads up to `size` bytes into `out`; returns how many, 0 at the end.
  /// Throws Error("<name>: cannot read: <reason>").
  virtual size_t readSome(uint8_t *out, size_t size) = 0;

private:
  std::string name_;
};

/// A file opened for reading. Throws Error("<path>: cannot open: <reason>")
/// and Error("<path>: is a directory"). A regular file has a known size
/// (unless it reports 0 bytes, as /proc files do); anything else is a
/// stream.
std::unique_ptr<ByteSource> openFile(const std::string &path);

/// Bytes in memory, under a name for messages; the bytes must outlive the
/// source. With `knownSize` false the source hides its size and behaves as a
/// pipe would (for tests and fuzzing of the stream paths).
class MemorySource : public ByteSource {
public:
  MemorySource(std::string name, std::string_view bytes, bool knownSize = true)
      : ByteSource(std::move(name)), bytes_(bytes), knownSize_(knownSize) {}
  std::optional<uint64_t> remaining() const override;
  size_t readSome(uint8_t *out, size_t size) override;

private:
  std::string_view bytes_; ///< Not owned.
  size_t position_ = 0;
  bool knownSize_;
};

/// Appends up to `size` bytes of `source` to `out`, stopping early only at
/// the end of the source; returns how many were read. Grows `out` with the
/// data that arrives (doubling from 64 KiB), at most by `size`.
uint64_t readUpTo(ByteSource &source, uint64_t size, std::vector<uint8_t> &out);

/// What follows the bytes a reader took: nullopt when the source is at its
/// end, else "N bytes of unexpected data" (size known) or "unexpected data"
/// (a stream, of which one byte is read to find out).
std::optional<std::string> unexpectedTail(ByteSource &source);

/// Reads the whole source, refusing more than memoryLimit() bytes.
std::vector<uint8_t> readAll(ByteSource &source);

/// The most memory a reader may allocate from what a file announces: the
/// machine's physical memory.
uint64_t memoryLimit();

/// Throws Error("<name>: <what> needs N bytes, more than this machine's
/// memory (M bytes)") when `bytes` > memoryLimit().
void checkMemory(const ByteSource &source, uint64_t bytes,
                 const std::string &what);

/// The bytes of `dims` elements of `elementSize` bytes each, when every
/// dimension is at most INT64_MAX, the product of the non-zero dimensions
/// fits in int64 (so every partial product of the shape does too, whatever
/// code computes it later) and that product times `elementSize` fits in
/// uint64 (0 is returned for an empty shape only then); else nullopt.
std::optional<uint64_t> checkedShapeBytes(const std::vector<uint64_t> &dims,
                                          uint64_t elementSize);

} // namespace nnrt

#endif // NNRT_BYTE_SOURCE_H
