#!/usr/bin/python3
"""Minimal safetensors reader/writer (NumPy only; no `safetensors` package needed).

Format: 8-byte little-endian unsigned header length N, then N bytes of UTF-8 JSON
({"__metadata__": {...}, "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, ...}),
then the raw little-endian tensor data. Offsets are relative to the start of the data section.
The header is padded with spaces so that the data section starts 8-byte aligned.

Supported dtypes: F32 and F64 for writing; F32, F64, F16, I64, I32, U8 for reading.
Run with /usr/bin/python3 (Debian's NumPy lives there).
"""
import json
import struct
from collections import OrderedDict

import numpy as np

_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "U8": np.dtype("u1"),
}
_WRITABLE = {"F32", "F64"}


def _code_for(dtype):
    dtype = np.dtype(dtype)
    for code, dt in _DTYPES.items():
        if dt == dtype.newbyteorder("<") and code in _WRITABLE:
            return code
    raise TypeError("safetensors_io: unsupported dtype for writing: %s (use float32 or float64)" % dtype)


def dumps(tensors, metadata=None):
    """Serialise an ordered mapping name -> array-like (float32/float64) to bytes.

    Tensors are laid out in the mapping's iteration order. Torch tensors are accepted
    (anything with .detach().cpu().numpy(), or np.asarray-compatible).
    """
    meta = {"format": "pt"} if metadata is None else dict(metadata)
    header = OrderedDict()
    header["__metadata__"] = {str(k): str(v) for k, v in meta.items()}
    blobs = []
    offset = 0
    for name, value in tensors.items():
        if hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
        arr = np.asarray(value)
        code = _code_for(arr.dtype)
        data = np.ascontiguousarray(arr, dtype=_DTYPES[code]).tobytes(order="C")
        header[name] = {"dtype": code, "shape": [int(d) for d in arr.shape],
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hdr = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hdr += b" " * ((-(8 + len(hdr))) % 8)
    return struct.pack("<Q", len(hdr)) + hdr + b"".join(blobs)


def save(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))


def loads(buf):
    """Parse safetensors bytes -> (OrderedDict name -> np.ndarray, metadata dict).

    Arrays keep their stored dtype and are returned in the header's order. Raises ValueError on a
    malformed file (bad header length, overlapping/out-of-range offsets, size/shape mismatch).
    """
    if len(buf) < 8:
        raise ValueError("safetensors: file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", buf[:8])
    if 8 + n > len(buf):
        raise ValueError("safetensors: header length %d exceeds file size %d" % (n, len(buf)))
    try:
        header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError("safetensors: bad JSON header: %s" % e)
    data = memoryview(buf)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    out = OrderedDict()
    spans = []
    for name, info in header.items():
        code = info.get("dtype")
        if code not in _DTYPES:
            raise ValueError("safetensors: tensor %r has unsupported dtype %r" % (name, code))
        dt = _DTYPES[code]
        shape = tuple(int(d) for d in info["shape"])
        b, e = (int(v) for v in info["data_offsets"])
        count = 1
        for d in shape:
            count *= d
        if not (0 <= b <= e <= len(data)):
            raise ValueError("safetensors: tensor %r offsets [%d, %d) outside data (%d bytes)"
                             % (name, b, e, len(data)))
        if e - b != count * dt.itemsize:
            raise ValueError("safetensors: tensor %r: %d bytes for shape %s of %s"
                             % (name, e - b, list(shape), code))
        spans.append((b, e, name))
        out[name] = np.frombuffer(data[b:e], dtype=dt).reshape(shape).copy()
    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise ValueError("safetensors: tensors %r and %r overlap" % (n0, n1))
    return out, dict(metadata)


def load(path):
    """Read a .safetensors file -> OrderedDict name -> np.ndarray (metadata dropped)."""
    with open(path, "rb") as f:
        return loads(f.read())[0]


def load_with_metadata(path):
    with open(path, "rb") as f:
        return loads(f.read())


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        print("usage: /usr/bin/python3 safetensors_io.py FILE.safetensors   (lists its tensors)")
        sys.exit(2)
    tensors, meta = load_with_metadata(sys.argv[1])
    print("metadata:", json.dumps(meta, sort_keys=True))
    total = 0
    for k, v in tensors.items():
        total += v.size
        print("%-40s %-8s %s" % (k, v.dtype, list(v.shape)))
    print("%d tensors, %d elements" % (len(tensors), total))
