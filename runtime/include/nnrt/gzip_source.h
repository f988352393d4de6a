//===- gzip_source.h - Gzip-compressed byte sources -----------------------===//
//
// Data files may be gzip-compressed (Fashion-MNIST's are). The format is
// decided by the first two bytes (0x1f 0x8b), not by the file name. The
// decompressed bytes are a stream (their size is unknown until the end), so
// readers bound what they read by their headers, as for a pipe.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_GZIP_SOURCE_H
#define NNRT_GZIP_SOURCE_H

#include "nnrt/byte_source.h"

#include <memory>

namespace nnrt {

/// The bytes of `compressed` gunzipped; concatenated gzip members are read
/// one after the other, as gzip(1) does. Reading throws Error("<name>:
/// corrupt gzip data: <zlib's reason>") for damaged data ("incorrect data
/// check" for a bad CRC-32, "unexpected end of file" for a cut file). The
/// end of the stream is reported only after the last member's trailer has
/// been checked.
std::unique_ptr<ByteSource> gunzip(std::unique_ptr<ByteSource> compressed);

/// `source` as it is, or gunzip(source) when it starts with the gzip magic.
std::unique_ptr<ByteSource> maybeGunzip(std::unique_ptr<ByteSource> source);

} // namespace nnrt

#endif // NNRT_GZIP_SOURCE_H
