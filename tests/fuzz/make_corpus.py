#!/usr/bin/env python3
"""make_corpus.py - regenerates the fuzz harnesses' seed corpora and dictionaries.

Rewrites tests/fuzz/corpus/<harness>/ and tests/fuzz/{nnm,nnir}.dict from the project's own test
inputs, so that they follow the language, the IR text and the file formats when those change:

  nnm          examples/**/*.nnm, tests/golden/**/*.nnm, tests/e2e/models/*.nnm
  nnir         tests/golden/**/*.nnir, and with --nnc the IR that `nnc check --emit ir|ir-grad|ir-train`
               prints for every example (the printer's current text)
  safetensors  the small safetensors fixtures of tests/reference, and files written here (every dtype,
               metadata, empty and scalar tensors)
  checkpoint   checkpoints of the runtime tests' fake model (tests/unit/runtime/fake_model.cpp)
  npy          small .npy fixtures, and files written here (every supported dtype, versions 1 and 2)
  idx          IDX files written here, one per type code
  idx_gzip     the same gzipped (first byte 0x00: a gzip file) and raw (first byte odd: gzipped by
               the harness; see fuzz_idx_gzip.cpp)
  csv          examples/data/*.csv and tables written here, each behind an options byte (fuzz_csv.cpp)

Only the Python standard library is used; the output is deterministic. Usage:
    python3 tests/fuzz/make_corpus.py [--nnc build/bin/nnc]
"""
import argparse
import gzip
import json
import pathlib
import shutil
import struct
import subprocess
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "fuzz"
MAX_SEED = 8192  # bytes: larger fixtures would slow every mutation for little coverage


class Corpus:
    """One harness's seed folder, emptied first."""

    def __init__(self, name):
        self.dir = FUZZ / "corpus" / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        (self.dir / name).write_bytes(data)

    def copy(self, path, prefix=b""):
        data = path.read_bytes()
        if len(data) <= MAX_SEED:
            rel = path.relative_to(ROOT).as_posix().replace("/", "_")
            self.add(rel, prefix + data)


def small_files(pattern):
    return sorted(p for p in ROOT.glob(pattern) if p.is_file() and p.stat().st_size <= MAX_SEED)


# --- the languages -----------------------------------------------------------------------------

def nnm_sources():
    files = small_files("examples/**/*.nnm") + small_files("tests/golden/**/*.nnm")
    return files + small_files("tests/e2e/models/*.nnm")


def make_nnm():
    corpus = Corpus("nnm")
    for path in nnm_sources():
        corpus.copy(path)


def make_nnir(nnc):
    corpus = Corpus("nnir")
    for path in small_files("tests/golden/**/*.nnir"):
        corpus.copy(path)
    if not nnc:
        return
    for path in small_files("examples/**/*.nnm"):
        for emit in ("ir", "ir-grad", "ir-train"):
            run = subprocess.run([nnc, "check", str(path), "--emit", emit], capture_output=True)
            if run.returncode == 0 and 0 < len(run.stdout) <= MAX_SEED:
                corpus.add(f"{path.stem}.{emit}.nnir", run.stdout)


def dict_line(word):
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in word)
    return f'"{escaped}"'


def write_dict(name, header, words):
    lines = [f"# {line}" for line in header] + [dict_line(w) for w in sorted(set(words))]
    (FUZZ / name).write_text("\n".join(lines) + "\n")


def quoted_words(path, pattern):
    import re
    return re.findall(pattern, path.read_text())


def make_dicts():
    import re
    tokens = quoted_words(ROOT / "compiler/syntax/tokens.def", r'NNC_(?:TOKEN|KEYWORD)\(\w+, "([^"]+)"\)')
    idents = set()
    for path in small_files("examples/**/*.nnm") + sorted((ROOT / "stdlib").glob("*.nnm")):
        idents.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text()))
    for source in ("builtins.cpp", "train_builder.cpp"):
        idents.update(quoted_words(ROOT / "compiler/sema" / source, r'"([a-z_][a-z0-9_]*)"'))
    extra = ["# ", "\n", '"', "0", "1", "-1", "0.5", "1e-3", "B", "[B, 4]", "import \"", "0..4"]
    write_dict("nnm.dict",
               ["The .nnm language for fuzz_nnm: tokens.def, the identifiers of the stdlib and the",
                "examples, builtin and train-setting names. Made by make_corpus.py."],
               tokens + sorted(idents) + extra)
    ops = quoted_words(ROOT / "compiler/ir/ops.def", r'NNC_OP\(\w+, "([^"]+)"')
    words = ["graph", "@", "return", "%", "=", ":", ",", "(", ")", "{", "}", "[", "]", "*", "+", "-", "f32",
             "f64", "perm", "axes", "shape", "keepdim", "true", "false", "//", "\n", "\"", "B", "-1",
             "0.5", "1e30", "module", "call", "role", "index", "input", "output", "grad_input",
             "grad_output"]
    write_dict("nnir.dict",
               ["The textual graph IR for fuzz_nnir: the op mnemonics of ops.def and the syntax of",
                "printer.cpp. Made by make_corpus.py."],
               ops + words)


# --- safetensors and checkpoints ----------------------------------------------------------------

DTYPES = {"F64": ("<d", 8), "F32": ("<f", 4), "F16": ("<e", 2), "BF16": (None, 2), "I64": ("<q", 8),
          "I32": ("<i", 4), "I16": ("<h", 2), "I8": ("<b", 1), "U8": ("<B", 1), "BOOL": ("<?", 1)}


def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, raw bytes)] in data order."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def floats(values):
    return struct.pack(f"<{len(values)}f", *values)


def make_safetensors():
    corpus = Corpus("safetensors")
    for path in small_files("tests/reference/fixtures/**/*.safetensors"):
        corpus.copy(path)
    tensors = []
    for i, (dtype, (fmt, size)) in enumerate(DTYPES.items()):
        count = 2 + i % 3
        raw = bytes((7 * k + i) % 256 for k in range(count * size))
        tensors.append((f"t.{dtype.lower()}", dtype, [count], raw))
    corpus.add("every_dtype.safetensors", safetensors(tensors, {"format": "pt"}))
    corpus.add("empty.safetensors", safetensors([]))
    corpus.add("scalar_and_empty.safetensors",
               safetensors([("s", "F32", [], floats([1.5])), ("e", "F32", [0, 3], b"")]))
    corpus.add("matrix.safetensors", safetensors([("w", "F32", [2, 3], floats(range(6)))],
                                                 {"format": "pt", "note": "x"}))


def fake_checkpoint(normalization=False, momentum=True):
    """A checkpoint of the fake model (Linear(3, 2) + buffer `scale`) trained with its SGD."""
    tensors = [("fc.weight", "F32", [2, 3], floats([0.1 * k for k in range(6)])),
               ("fc.bias", "F32", [2], floats([0.5, -0.5])),
               ("scale", "F32", [2], floats([1, 1]))]
    if momentum:
        tensors += [("optimizer.momentum_buffer.fc.weight", "F32", [2, 3], floats([0.01] * 6)),
                    ("optimizer.momentum_buffer.fc.bias", "F32", [2], floats([0.02, 0.03]))]
    data = b"".join(t[3] for t in tensors)
    optimizer = {"dampening": 0.0, "lr": 0.1, "momentum": 0.9 if momentum else 0.0, "name": "SGD",
                 "nesterov": False, "weight_decay": 0.0}
    state = {"batch": 4, "normalize": "none", "shuffle": True, "train_samples": 6, "validation": 0.0}
    if normalization:
        state.update(normalize="global", mean=[0.25], std=[1.5])
    metadata = {"format": "pt", "nnc.checkpoint": "1", "nnc.model": "Fake", "nnc.step": "3",
                "nnc.epoch": "1", "nnc.seed": "0",
                "nnc.optimizer": json.dumps(optimizer, separators=(",", ":")),
                "nnc.data": json.dumps(state, separators=(",", ":")),
                "nnc.crc32": f"{zlib.crc32(data):08x}"}
    return safetensors(tensors, metadata)


def make_checkpoint():
    corpus = Corpus("checkpoint")
    corpus.add("fake_sgd_momentum.safetensors", fake_checkpoint())
    corpus.add("fake_normalized.safetensors", fake_checkpoint(normalization=True))
    corpus.add("fake_other_optimizer.safetensors", fake_checkpoint(momentum=False))


# --- .npy ----------------------------------------------------------------------------------------

def npy(descr, shape, raw, version=1, fortran=False):
    shape_text = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    text = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape_text}, }}"
    preamble = 10 if version == 1 else 12
    text += " " * (-(preamble + len(text) + 1) % 64) + "\n"
    length = struct.pack("<H" if version == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + length + text.encode() + raw


def make_npy():
    corpus = Corpus("npy")
    for path in small_files("tests/reference/fixtures/*/*.npy"):
        if path.parent.name in ("act_relu", "manual_linear", "optim", "residual"):
            corpus.copy(path)
    corpus.add("f4.npy", npy("<f4", [2, 3], floats(range(6))))
    corpus.add("f8.npy", npy("<f8", [3], struct.pack("<3d", 1.0, -2.5, 1e300)))
    corpus.add("i8.npy", npy("<i8", [4], struct.pack("<4q", 0, 1, 2, -1)))
    corpus.add("i4.npy", npy("<i4", [2, 2], struct.pack("<4i", 3, 1, 4, 1)))
    corpus.add("u1.npy", npy("|u1", [5], bytes([0, 1, 127, 128, 255])))
    corpus.add("v2.npy", npy("<f4", [1, 2], floats([1, 2]), version=2))
    corpus.add("scalar.npy", npy("<f4", [], floats([7])))
    corpus.add("empty.npy", npy("<f4", [0, 4], b""))
    corpus.add("fortran.npy", npy("<f4", [2, 2], floats(range(4)), fortran=True))


# --- IDX and gzip --------------------------------------------------------------------------------

IDX_TYPES = {0x08: "B", 0x09: "b", 0x0B: "h", 0x0C: "i", 0x0D: "f", 0x0E: "d"}


def idx(code, shape, values):
    head = bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape)
    return head + struct.pack(f">{len(values)}{IDX_TYPES[code]}", *values)


def idx_files():
    files = {"images_u8.idx": idx(0x08, [3, 2, 2], list(range(0, 240, 20))),
             "labels_u8.idx": idx(0x08, [3], [1, 0, 9]),
             "labels_i8.idx": idx(0x09, [4], [-1, 0, 1, 127]),
             "i16.idx": idx(0x0B, [2, 3], [1, -2, 300, 4, 5, -6]),
             "i32.idx": idx(0x0C, [2, 1, 2], [70000, -1, 2, 3]),
             "f32.idx": idx(0x0D, [2, 2], [0.5, -1.0, 2.0, 1e30]),
             "f64_labels.idx": idx(0x0E, [3], [1.0, 2.0, 2.5]),
             "empty.idx": idx(0x08, [0, 28, 28], [])}
    return files


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def make_idx():
    corpus = Corpus("idx")
    gz_corpus = Corpus("idx_gzip")
    for name, data in idx_files().items():
        corpus.add(name, data)
        gz_corpus.add(name + ".gz", b"\x00" + gz(data))
        gz_corpus.add(name + ".raw", b"\x01" + data)
    images = idx_files()["images_u8.idx"]
    gz_corpus.add("two_members.gz", b"\x00" + gz(images[:9]) + gz(images[9:]))
    gz_corpus.add("split.raw", b"\x03" + images)


# --- CSV -----------------------------------------------------------------------------------------

def make_csv():
    corpus = Corpus("csv")
    for path in small_files("examples/data/*.csv"):
        corpus.copy(path, prefix=b"\x00")
        corpus.copy(path, prefix=b"\xc0")  # values, read as a stream
    tables = {"header.csv": (0x00, "a,b,label\n1,2,0\n3.5,-4,1\n"),
              "no_header.csv": (0x08, "1,2,0\r\n3,4,2\r\n\r\n5,6,1\r\n"),
              "tabs.tsv": (0x01, "x\ty\tz\n1\t2\t3\n4\t5\t6\n"),
              "semicolons.csv": (0x42, "1;2.5e-3;0.5\n+3; 4 ;-1\n"),
              "first_column_target.csv": (0x10, "2,0.1,0.2\n1,0.3,0.4\n"),
              "values_stream.csv": (0xc0, "0.1,0.2,0.3\n0.4,0.5,0.6\n")}
    for name, (options, text) in tables.items():
        corpus.add(name, bytes([options]) + text.encode())


def make_crash_folders():
    for harness in ("nnm", "nnir", "safetensors", "checkpoint", "npy", "idx", "idx_gzip", "csv"):
        folder = FUZZ / "crashes" / harness
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            (folder / ".gitkeep").write_bytes(b"")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", help="a built nnc, to add the IR it prints for the examples")
    args = parser.parse_args()
    make_nnm()
    make_nnir(args.nnc)
    make_dicts()
    make_safetensors()
    make_checkpoint()
    make_npy()
    make_idx()
    make_csv()
    make_crash_folders()
    total = sum(p.stat().st_size for p in (FUZZ / "corpus").rglob("*") if p.is_file())
    print(f"corpora: {total // 1024} KiB in {FUZZ / 'corpus'}")


if __name__ == "__main__":
    main()
