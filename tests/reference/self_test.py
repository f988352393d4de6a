#!/usr/bin/python3
"""Self-test of the reference fixtures and checkers (needs PyTorch; exit 77 without it).

    /usr/bin/python3 tests/reference/self_test.py

For every case in cases.json:
  * check_state_dict.py accepts the fixture's params (and, for mlp, its default-init check passes);
  * check_outputs.py accepts the fixture's own y (float64) and y cast to float32 (what nnc writes);
  * a copy of y with one value perturbed by 1e-3 * max|y| is rejected;
  * a copy of the params with one tensor renamed, or with a wrong shape, is rejected;
  * --check-init passes on a model initialised as its .nnm declares and fails on the wrong init.
Also checks the safetensors writer/reader round trip and header alignment.
"""
import contextlib
import importlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch
except Exception as e:  # pragma: no cover
    print("SKIP: PyTorch not available (%s)" % e)
    sys.exit(77)

import numpy as np  # noqa: E402

import models  # noqa: E402
import safetensors_io  # noqa: E402

PY = sys.executable
failures = []


def run(script, *args, expect, subprocess_=False):
    """Run a checker's main() in-process (fast), or as a real subprocess (tests the CLI and exit code)."""
    args = [str(a) for a in args]
    if subprocess_:
        p = subprocess.run([PY, os.path.join(HERE, script)] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        rc, out = p.returncode, p.stdout
    else:
        mod = importlib.import_module(script[:-3])
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = mod.main(args)
        out = buf.getvalue()
    label = "%s %s" % (script, " ".join(os.path.basename(a) for a in args))
    status = "ok  " if rc == expect else "BAD "
    lines = out.strip().splitlines()
    shown = [l for l in lines if l.startswith("FAIL")] or lines[:1]
    print("%s[rc=%d want %d]%s %s\n        %s"
          % (status, rc, expect, " (subprocess)" if subprocess_ else "", label, shown[0] if shown else ""))
    if rc != expect:
        failures.append(label)
        print(out)


def nnm_init_state(case):
    """A state_dict initialised the way the .nnm source declares (for the --check-init test)."""
    torch.manual_seed(123)
    m = models.build_case(case)
    if case == "named_mlp":
        m.apply_nnm_init()
    return OrderedDict((k, v.detach().numpy()) for k, v in m.state_dict().items())


def main():
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)
    tmp = tempfile.mkdtemp(prefix="nnc_ref_selftest_")
    try:
        # safetensors round trip + alignment
        t = OrderedDict([("a", np.arange(6, dtype=np.float32).reshape(2, 3)),
                         ("b.c", np.array([1.5, -2.25], dtype=np.float64)),
                         ("s", np.array(3.0, dtype=np.float32))])
        buf = safetensors_io.dumps(t)
        (n,) = struct.unpack("<Q", buf[:8])
        back, meta = safetensors_io.loads(buf)
        rt_ok = (n + 8) % 8 == 0 and meta == {"format": "pt"} and list(back) == list(t) and all(
            back[k].dtype == t[k].dtype and back[k].shape == t[k].shape and np.array_equal(back[k], t[k]) for k in t)
        print("%ssafetensors round trip (header %d bytes, data at %d)" % ("ok   " if rt_ok else "BAD  ", n, n + 8))
        if not rt_ok:
            failures.append("safetensors round trip")

        for case, c in cases.items():
            d = os.path.join(HERE, c["dir"])
            params = os.path.join(d, c["params"]) if c["params"] else "-"
            xs = [os.path.join(d, p) for p in c["inputs"]]
            ys = [os.path.join(d, p) for p in c["outputs"]]
            cli = case in ("mlp", "deep", "act_gelu")  # a few runs through the real command line
            if c["params"]:
                run("check_state_dict.py", case, params, expect=0, subprocess_=cli)
            run("check_outputs.py", case, params, xs[0], *ys, expect=0, subprocess_=cli)
            # float32 outputs, as nnc writes them
            y32 = []
            for i, y in enumerate(ys):
                p32 = os.path.join(tmp, "%s_y%d_f32.npy" % (case, i))
                np.save(p32, np.load(y).astype(np.float32))
                y32.append(p32)
            run("check_outputs.py", case, params, xs[0], *y32, expect=0)
            # perturb one value of the last output
            bad = list(y32)
            arr = np.load(bad[-1])
            flat = arr.reshape(-1)
            k = flat.size // 2 + 1
            flat[k] += np.float32(1e-3 * max(float(np.max(np.abs(arr))), 1e-30))
            bad[-1] = os.path.join(tmp, "%s_perturbed.npy" % case)
            np.save(bad[-1], arr)
            run("check_outputs.py", case, params, xs[0], *bad, expect=1, subprocess_=cli)
            if c["params"]:
                sd = safetensors_io.load(params)
                first = next(iter(sd))
                renamed = OrderedDict(((k + "_x") if k == first else k, v) for k, v in sd.items())
                p = os.path.join(tmp, "%s_renamed.safetensors" % case)
                safetensors_io.save(renamed, p)
                run("check_state_dict.py", case, p, expect=1, subprocess_=cli)
                run("check_outputs.py", case, p, xs[0], *ys, expect=1)
                reshaped = OrderedDict((k, (v.reshape(-1) if k == first and v.ndim > 1 else
                                            (np.concatenate([v.reshape(-1), v.reshape(-1)[:1]])
                                             if k == first else v))) for k, v in sd.items())
                p = os.path.join(tmp, "%s_reshaped.safetensors" % case)
                safetensors_io.save(reshaped, p)
                run("check_state_dict.py", case, p, expect=1)
                # declared-init checks
                good = os.path.join(tmp, "%s_nnm_init.safetensors" % case)
                safetensors_io.save(nnm_init_state(case), good)
                run("check_state_dict.py", case, good, "--check-init", expect=0)
                wrong = OrderedDict((k, (v * 3.0 if v.ndim == 2 else v + 1.0)) for k, v in nnm_init_state(case).items())
                p = os.path.join(tmp, "%s_wrong_init.safetensors" % case)
                safetensors_io.save(wrong, p)
                run("check_state_dict.py", case, p, "--check-init", expect=1)
        # mlp without the init check on a file with bad values, but right names: passes
        run("check_state_dict.py", "mlp", os.path.join(tmp, "mlp_wrong_init.safetensors"), "--no-init-check", expect=0)
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("\nself_test: %d FAILED: %s" % (len(failures), "; ".join(failures)))
        return 1
    print("\nself_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
