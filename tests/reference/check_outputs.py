#!/usr/bin/python3
"""Compare outputs produced by nnc against the PyTorch model evaluated in float64.

    /usr/bin/python3 tests/reference/check_outputs.py CASE PARAMS.safetensors X.npy Y.npy [Y2.npy ...]
        [--rtol R] [--allow-extra PREFIX ...] [--preprocess]

PARAMS is loaded strictly into CASE's PyTorch model (use `-` or `none` for parameterless cases), the
model is cast to float64 and run on X, and each given output Yi is compared with the i-th model output:

    rel = max|Yi - ref| / max(max|ref|, 1e-30)   must be <= rtol (default 1e-5)

With --preprocess, X is first normalised with the statistics a training checkpoint PARAMS records
(`nnc.data` mean/std in its __metadata__), in float32, x' = (x - mean) / std, as `predict` does by
default; so the PyTorch model sees the inputs nnc's did. A file that records none leaves X as it is.

Shapes must match exactly; NaN/Inf in Yi is a failure. Prints max abs diff, relative error and the
tolerance per output. Exit 0 if all pass, 1 on a mismatch, 2 on bad usage, 77 if torch is missing.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch  # noqa: F401
except Exception as e:  # pragma: no cover
    print("SKIP: PyTorch not available (%s); run with /usr/bin/python3" % e)
    sys.exit(77)

import numpy as np  # noqa: E402

import models  # noqa: E402
import safetensors_io  # noqa: E402


def rel_error(y, ref):
    y = np.asarray(y, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if ref.size == 0:
        return 0.0, 0.0
    diff = float(np.max(np.abs(y - ref)))
    if not np.isfinite(diff):
        return float("inf"), float("inf")
    return diff, diff / max(float(np.max(np.abs(ref))), 1e-30)


def checkpoint_preprocess(params_path, x):
    """x normalised as `predict` does with PARAMS' recorded statistics (none: x unchanged)."""
    _, meta = safetensors_io.load_with_metadata(params_path)
    data = json.loads(meta.get("nnc.data", "{}"))
    if "mean" not in data:
        return x, "none recorded"
    mean = np.asarray(data["mean"], dtype=np.float32)
    std = np.asarray(data["std"], dtype=np.float32)
    x = np.asarray(x, dtype=np.float32)
    if mean.size == 1:
        return (x - mean[0]) / std[0], "global mean %.6g std %.6g" % (mean[0], std[0])
    flat = x.reshape(x.shape[0], -1)
    return ((flat - mean) / std).reshape(x.shape), "per_feature (%d)" % mean.size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", help="one of: " + ", ".join(models.case_names()))
    ap.add_argument("params", help="state_dict .safetensors, or - / none for parameterless cases")
    ap.add_argument("x", help="input .npy")
    ap.add_argument("y", nargs="+", help="output .npy file(s) to check, in model output order")
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--allow-extra", action="append", default=[], metavar="PREFIX")
    ap.add_argument("--preprocess", action="store_true",
                    help="normalise X with the statistics the checkpoint PARAMS records, as predict does")
    args = ap.parse_args(argv)
    if args.case not in models.CASES:
        print("check_outputs: unknown case %r; known: %s" % (args.case, ", ".join(models.case_names())))
        return 2

    torch.manual_seed(0)
    model = models.build_case(args.case)
    if args.params.lower() in ("-", "none", "null", ""):
        tensors = {}
    else:
        try:
            tensors = safetensors_io.load(args.params)
        except (OSError, ValueError) as e:
            print("FAIL %s: cannot read %s: %s" % (args.case, args.params, e))
            return 1
    problems = models.load_params(model, tensors, tuple(args.allow_extra))
    if problems:
        print("FAIL %s: parameters do not match the PyTorch state_dict:" % args.case)
        for p in problems:
            print("  " + p)
        return 1

    x = np.load(args.x)
    if args.preprocess and tensors:
        x, how = checkpoint_preprocess(args.params, x)
        print("preprocess %s: %s" % (args.x, how))
    refs = models.run_float64(model, torch.from_numpy(np.ascontiguousarray(x)))
    if len(args.y) != len(refs):
        print("FAIL %s: the model has %d output(s), %d file(s) given" % (args.case, len(refs), len(args.y)))
        return 1
    ok = True
    for i, (path, ref) in enumerate(zip(args.y, refs)):
        y = np.load(path)
        ref = ref.numpy()
        if list(y.shape) != list(ref.shape):
            print("FAIL %s output %d (%s): shape %s, expected %s"
                  % (args.case, i, path, list(y.shape), list(ref.shape)))
            ok = False
            continue
        diff, rel = rel_error(y, ref)
        good = rel <= args.rtol
        ok = ok and good
        print("%s %s output %d (%s, %s %s): max abs diff %.3e, rel %.3e, rtol %.1e"
              % ("OK" if good else "FAIL", args.case, i, path, y.dtype, list(y.shape), diff, rel, args.rtol))
        if not good and np.all(np.isfinite(y)):
            idx = np.unravel_index(int(np.argmax(np.abs(y.astype(np.float64) - ref))), ref.shape)
            print("  worst at %s: got %.9g, expected %.9g" % (list(idx), float(y[idx]), float(ref[idx])))
        elif not good:
            print("  output contains %d non-finite value(s)" % int(np.sum(~np.isfinite(y))))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
