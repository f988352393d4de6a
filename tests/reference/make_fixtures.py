#!/usr/bin/python3
"""Regenerate the PyTorch reference fixtures under tests/reference/fixtures/ and cases.json.

    /usr/bin/python3 tests/reference/make_fixtures.py [--out DIR] [--quiet]

For every case of models.CASES, with a fixed per-case seed (crc32 of the case name):
  * build the model with PyTorch's default initialisation (torch.manual_seed(seed) first),
    then the fixture-only tweaks that make every tensor matter:
      manual_linear: b = randn (the .nnm initialises it to zeros)
      deep:          buffer scale = 0.5 + rand (the .nnm initialises it to ones)
    named_mlp keeps PyTorch's default Linear init (its .nnm init overrides are not applied here,
    so that the biases are non-zero and exercised).
  * draw the input x (float32) from the same generator: randn, except the activations
    (randn * 3 with exact special values in row 0),
  * write fixtures/<case>/params.safetensors (state_dict, F32; omitted for parameterless cases),
    x.npy (<f4), and the expected outputs y.npy (or y0.npy, y1.npy, ...) as <f8, computed in
    float64 from the very same float32 parameters and input.
The output is byte-for-byte deterministic.
"""
import argparse
import json
import os
import shutil
import sys
import zlib
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import models  # noqa: E402
import safetensors_io  # noqa: E402

RTOL = 1e-5
# Exact values placed at the start of row 0 of the activation input.
SPECIAL = [0.0, 1e-3, -1e-3, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 5.0, -5.0, 10.0, -10.0, 20.0, -20.0]


def seed_for(case):
    return zlib.crc32(case.encode("utf-8")) & 0x7FFFFFFF


def rel_error(y, ref):
    """The comparison metric: max|y - ref| / max(max|ref|, 1e-30), computed in float64."""
    y = np.asarray(y, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if y.shape != ref.shape:
        return float("inf"), float("inf")
    if ref.size == 0:
        return 0.0, 0.0
    diff = float(np.max(np.abs(y - ref)))
    if not np.isfinite(diff):
        return float("inf"), float("inf")
    return diff, diff / max(float(np.max(np.abs(ref))), 1e-30)


def format_cases(cases):
    """cases.json text: one case per block, one key per line, values in compact JSON."""
    blocks = []
    for name, entry in cases.items():
        lines = ["    %s: %s" % (json.dumps(k), json.dumps(v, separators=(", ", ": ")))
                 for k, v in entry.items()]
        blocks.append("  %s: {\n%s\n  }" % (json.dumps(name), ",\n".join(lines)))
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def make_case(case):
    spec = models.CASES[case]
    seed = seed_for(case)
    torch.manual_seed(seed)
    model = models.build_case(case).float().eval()
    with torch.no_grad():
        if case == "manual_linear":
            model.b.copy_(torch.randn(model.b.shape))
        elif case == "deep":
            model.scale.copy_(0.5 + torch.rand(model.scale.shape))
    x = torch.randn(*spec["input_shape"], dtype=torch.float32)
    if case.startswith("act_"):
        x = x * 3.0
        x[0, :len(SPECIAL)] = torch.tensor(SPECIAL, dtype=torch.float32)
    x = x.contiguous()
    refs = models.run_float64(model, x)
    with torch.no_grad():
        y32 = models.as_outputs(model(x))
    errs = [rel_error(a.numpy(), r.numpy())[1] for a, r in zip(y32, refs)]
    return seed, model, x, refs, errs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE, help="directory that gets fixtures/ and cases.json (default: here)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)  # deterministic reductions
    fixtures = os.path.join(args.out, "fixtures")
    if os.path.isdir(fixtures):
        shutil.rmtree(fixtures)
    os.makedirs(fixtures)

    cases = OrderedDict()
    total_bytes = 0
    for case in models.case_names():
        spec = models.CASES[case]
        seed, model, x, refs, errs = make_case(case)
        d = os.path.join(fixtures, case)
        os.makedirs(d)
        sd = model.state_dict()
        nparams = sum(p.numel() for p in model.parameters())
        assert nparams == spec["param_count"], (case, nparams, spec["param_count"])
        params = None
        if len(sd):
            params = "params.safetensors"
            safetensors_io.save(OrderedDict((k, v.detach().float().numpy()) for k, v in sd.items()),
                                os.path.join(d, params))
        np.save(os.path.join(d, "x.npy"), x.numpy().astype("<f4"))
        outs = ["y.npy"] if len(refs) == 1 else ["y%d.npy" % i for i in range(len(refs))]
        for name, r in zip(outs, refs):
            np.save(os.path.join(d, name), r.numpy().astype("<f8"))
        cases[case] = OrderedDict([
            ("source", spec["source"]),
            ("model", spec["model"]),
            ("dir", "fixtures/" + case),
            ("inputs", ["x.npy"]),
            ("outputs", outs),
            ("params", params),
            ("rtol", RTOL),
            ("seed", seed),
            ("input_shapes", [list(x.shape)]),
            ("output_shapes", [list(r.shape) for r in refs]),
            ("param_count", nparams),
            ("state_dict", OrderedDict((k, list(v.shape)) for k, v in sd.items())),
        ])
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        total_bytes += size
        if not args.quiet:
            print("%-16s seed=%-10d x%s -> %s params=%d (%d tensors) %7.1f KiB  float32-vs-ref rel=%s"
                  % (case, seed, list(x.shape), " ".join(str(list(r.shape)) for r in refs), nparams,
                     len(sd), size / 1024.0, " ".join("%.2e" % e for e in errs)))
        for e in errs:
            if not e <= RTOL:
                print("warning: %s: PyTorch float32 itself misses the tolerance (%.3e > %.0e)" % (case, e, RTOL))

    with open(os.path.join(args.out, "cases.json"), "w") as f:
        f.write(format_cases(cases))
    if not args.quiet:
        print("%d cases, %.1f KiB of fixtures, cases.json written to %s"
              % (len(cases), total_bytes / 1024.0, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
