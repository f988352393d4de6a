#!/usr/bin/python3
"""Check that a safetensors file is a valid state_dict for a reference case.

    /usr/bin/python3 tests/reference/check_state_dict.py CASE FILE.safetensors
        [--check-init | --no-init-check] [--allow-extra PREFIX ...]

1. Names, shapes and dtype (F32) must match the PyTorch model of CASE exactly; the file is then loaded
   with load_state_dict(strict=True). Every value must be finite. Differences are listed, exit 1.
2. Initialisation check (on by default for `mlp`, opt-in with --check-init for the other cases;
   --no-init-check turns it off). It checks the initialisation the .nnm source declares:
     mlp, residual, deep, named_mlp.fc2: PyTorch's default Linear init — every weight within
       +-1/sqrt(fan_in), its std within 15% of 1/sqrt(3*fan_in); every bias within +-1/sqrt(fan_in),
       not constant, and (with >= 100 elements) its std within 25% of 1/sqrt(3*fan_in);
     named_mlp: net.fc1.weight kaiming_normal(relu) (|mean| small, std within 15% of sqrt(2/fan_in)),
       net.*.bias all zero;
     manual_linear: W randn (std within 25% of 1), b all zero;
     deep: buffer scale all ones;
     act_*: no parameters.
   (The committed fixtures deliberately break some of these — manual_linear.b and deep.scale are random,
   named_mlp uses the default init — so --check-init is meant for files written by `./model init`.)
Prints a one-line summary. Exit 0 on success, 1 on a mismatch, 2 on bad usage, 77 if torch is missing.
"""
import argparse
import math
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


def _default_linear(problems, name, w, b):
    fan_in = w.shape[1]
    bound = 1.0 / math.sqrt(fan_in)
    want_std = 1.0 / math.sqrt(3.0 * fan_in)
    slack = 1e-6 * bound  # float32 rounding of the bound itself
    if np.max(np.abs(w)) > bound + slack:
        problems.append("%s.weight: max|w| = %.6g exceeds 1/sqrt(fan_in) = %.6g" % (name, np.max(np.abs(w)), bound))
    std = float(np.std(w.astype(np.float64)))
    if abs(std - want_std) > 0.15 * want_std:
        problems.append("%s.weight: std %.6g not within 15%% of 1/sqrt(3*fan_in) = %.6g" % (name, std, want_std))
    if b is not None:
        if np.max(np.abs(b)) > bound + slack:
            problems.append("%s.bias: max|b| = %.6g exceeds 1/sqrt(fan_in) = %.6g" % (name, np.max(np.abs(b)), bound))
        if b.size > 1 and float(np.max(b)) == float(np.min(b)):
            problems.append("%s.bias: all values equal (%.6g); the default init is uniform" % (name, float(b.flat[0])))
        if b.size >= 100:
            bstd = float(np.std(b.astype(np.float64)))
            if abs(bstd - want_std) > 0.25 * want_std:
                problems.append("%s.bias: std %.6g not within 25%% of %.6g" % (name, bstd, want_std))
    return "%s U(+-%.4g) std %.4g" % (name, bound, std)


def _zeros(problems, name, v):
    if np.any(v != 0):
        problems.append("%s: expected all zeros, max|v| = %.6g" % (name, float(np.max(np.abs(v)))))


def check_init(case, t):
    """Returns (problems, notes) for the initialisation the .nnm source declares for CASE."""
    problems, notes = [], []

    def linears(prefixes):
        for p in prefixes:
            notes.append(_default_linear(problems, p, t[p + ".weight"], t.get(p + ".bias")))

    if case == "mlp":
        linears(["net.0", "net.2", "net.4"])
    elif case == "residual" or case == "deep":
        depth = len({k.split(".")[1] for k in t if k.startswith("blocks.")})
        linears(["blocks.%d.block.%d" % (i, j) for i in range(depth) for j in (0, 2)])
        if case == "deep":
            linears(["heads.cls", "heads.reg"])
            if np.any(t["scale"] != 1):
                problems.append("scale: expected all ones (buffer scale = ones())")
    elif case == "named_mlp":
        w = t["net.fc1.weight"].astype(np.float64)
        want = math.sqrt(2.0 / w.shape[1])
        std, mean = float(np.std(w)), float(np.mean(w))
        if abs(std - want) > 0.15 * want:
            problems.append("net.fc1.weight: std %.6g not within 15%% of kaiming_normal(relu) %.6g" % (std, want))
        if abs(mean) > 0.05 * want:
            problems.append("net.fc1.weight: mean %.6g too far from 0 for kaiming_normal" % mean)
        notes.append("net.fc1.weight N(0, %.4g) std %.4g" % (want, std))
        notes.append(_default_linear(problems, "net.fc2", t["net.fc2.weight"], None))
        _zeros(problems, "net.fc1.bias", t["net.fc1.bias"])
        _zeros(problems, "net.fc2.bias", t["net.fc2.bias"])
    elif case == "manual_linear":
        std = float(np.std(t["W"].astype(np.float64)))
        if abs(std - 1.0) > 0.25:
            problems.append("W: std %.6g not within 25%% of 1 (randn)" % std)
        notes.append("W randn std %.4g" % std)
        _zeros(problems, "b", t["b"])
    return problems, notes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", help="one of: " + ", ".join(models.case_names()))
    ap.add_argument("file")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--check-init", dest="init", action="store_true", default=None)
    g.add_argument("--no-init-check", dest="init", action="store_false")
    ap.add_argument("--allow-extra", action="append", default=[], metavar="PREFIX",
                    help="ignore tensors whose name starts with PREFIX (e.g. optimizer state)")
    args = ap.parse_args(argv)
    if args.case not in models.CASES:
        print("check_state_dict: unknown case %r; known: %s" % (args.case, ", ".join(models.case_names())))
        return 2
    try:
        tensors = safetensors_io.load(args.file)
    except (OSError, ValueError) as e:
        print("FAIL %s: cannot read %s: %s" % (args.case, args.file, e))
        return 1

    torch.manual_seed(0)
    model = models.build_case(args.case)
    problems = models.load_params(model, tensors, tuple(args.allow_extra))
    if problems:
        print("FAIL %s: %s does not match the PyTorch state_dict (%d problems):"
              % (args.case, args.file, len(problems)))
        for p in problems:
            print("  " + p)
        return 1
    expected = model.state_dict()
    t = {k: v for k, v in tensors.items() if k in expected}
    bad = [k for k, v in t.items() if not np.all(np.isfinite(v))]
    if bad:
        print("FAIL %s: non-finite values in %s" % (args.case, ", ".join(bad)))
        return 1

    do_init = (args.case == "mlp") if args.init is None else args.init
    notes = []
    if do_init:
        problems, notes = check_init(args.case, t)
        if problems:
            print("FAIL %s: %s names/shapes OK but the values do not look like the declared init:"
                  % (args.case, args.file))
            for p in problems:
                print("  " + p)
            return 1
    nparams = sum(p.numel() for p in model.parameters())
    print("OK %s: %s: %d tensors, %d parameters, names/shapes match (strict)%s"
          % (args.case, args.file, len(t), nparams,
             ("; init OK: " + "; ".join(notes)) if do_init else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
