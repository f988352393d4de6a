//===- gzip_source.cpp - Gzip-compressed byte sources ---------------------===//
//
// zlib's inflate over any ByteSource (a file, a pipe, memory), rather than
// gzread over a path: the compressed bytes then come through the same
// bounded reads as every other file, and a decompression bomb inflates only
// as far as the reader's header asks. Each readSome inflates into the
// caller's buffer, refilling the compressed input 1 MiB at a time.
//
//===----------------------------------------------------------------------===//
#include "nnrt/gzip_source.h"
#include "nnrt/error.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <zlib.h>

namespace nnrt {
namespace {

constexpr size_t kInputChunk = size_t(1) << 20;
constexpr uint64_t kMaxRatio = 1032;

class GzipSource : public ByteSource {
public:
  explicit GzipSource(std::unique_ptr<ByteSource> compressed)
      : ByteSource(compressed->name()), compressed_(std::move(compressed)) {
    // A small file needs no 1 MiB buffer.
    uint64_t known = compressed_->remaining().value_or(kInputChunk);
    input_.resize(size_t(std::clamp<uint64_t>(known, 1, kInputChunk)));
    std::memset(&stream_, 0, sizeof stream_);
    // 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK)
      throw Error(name() + ": cannot start gzip decompression");
  }
  ~GzipSource() override { inflateEnd(&stream_); }

  std::optional<uint64_t> remaining() const override { return std::nullopt; }

  // Deflate expands at most 1032:1 (zlib's technical notes), so a file of
  // known size bounds what it inflates to: Fashion-MNIST's 26 MB of images
  // then land in one buffer of the 47 MB their header announces, and a tiny
  // file announcing gigabytes gets a tiny buffer.
  std::optional<uint64_t> remainingAtMost() const override {
    std::optional<uint64_t> compressed = compressed_->remaining();
    if (!compressed || done_)
      return done_ ? std::optional<uint64_t>(0) : std::nullopt;
    uint64_t input = *compressed + stream_.avail_in + 1;
    if (input > std::numeric_limits<uint64_t>::max() / kMaxRatio)
      return std::nullopt;
    return input * kMaxRatio;
  }

  size_t readSome(uint8_t *out, size_t size) override {
    size = std::min<size_t>(size, size_t(1) << 30); // avail_out is a uInt
    while (!done_ && size > 0) {
      if (stream_.avail_in == 0 && !refill()) {
        if (betweenMembers_)
          done_ = true;
        else
          corrupt("unexpected end of file");
        break;
      }
      if (betweenMembers_) { // more bytes after a member: the next member
        inflateReset(&stream_);
        betweenMembers_ = false;
      }
      stream_.next_out = out;
      stream_.avail_out = uInt(size);
      int status = inflate(&stream_, Z_NO_FLUSH);
      size_t produced = size - stream_.avail_out;
      if (status == Z_STREAM_END)
        betweenMembers_ = true;
      else if (status == Z_DATA_ERROR || status == Z_NEED_DICT)
        corrupt(stream_.msg ? stream_.msg : "invalid deflate data");
      else if (status == Z_MEM_ERROR)
        throw Error(name() + ": out of memory while decompressing");
      if (produced > 0)
        return produced;
    }
    return 0;
  }

private:
  [[noreturn]] void corrupt(const std::string &reason) {
    throw Error(name() + ": corrupt gzip data: " + reason);
  }

  bool refill() {
    if (inputEnded_)
      return false;
    size_t n = compressed_->readSome(input_.data(), input_.size());
    if (n == 0) {
      inputEnded_ = true;
      return false;
    }
    stream_.next_in = input_.data();
    stream_.avail_in = uInt(n);
    return true;
  }

  std::unique_ptr<ByteSource> compressed_;
  std::vector<uint8_t> input_;
  z_stream stream_;
  bool betweenMembers_ = false; ///< The last member's trailer was checked.
  bool inputEnded_ = false;
  bool done_ = false;
};

// Bytes already read from the front of a source, served before the rest.
class PrefixedSource : public ByteSource {
public:
  PrefixedSource(std::vector<uint8_t> prefix, std::unique_ptr<ByteSource> rest)
      : ByteSource(rest->name()), prefix_(std::move(prefix)),
        rest_(std::move(rest)) {}

  std::optional<uint64_t> remaining() const override {
    std::optional<uint64_t> rest = rest_->remaining();
    if (!rest)
      return std::nullopt;
    return *rest + (prefix_.size() - used_);
  }

  size_t readSome(uint8_t *out, size_t size) override {
    if (used_ == prefix_.size())
      return rest_->readSome(out, size);
    size_t n = std::min(size, prefix_.size() - used_);
    std::memcpy(out, prefix_.data() + used_, n);
    used_ += n;
    return n;
  }

private:
  std::vector<uint8_t> prefix_;
  size_t used_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

} // namespace

std::unique_ptr<ByteSource> gunzip(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(compressed));
}

std::unique_ptr<ByteSource> maybeGunzip(std::unique_ptr<ByteSource> source) {
  std::vector<uint8_t> magic;
  readUpTo(*source, 2, magic);
  bool gzip = magic.size() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  auto whole = std::make_unique<PrefixedSource>(std::move(magic),
                                                std::move(source));
  if (gzip)
    return gunzip(std::move(whole));
  return whole;
}

} // namespace nnrt
