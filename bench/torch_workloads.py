#!/usr/bin/python3
"""PyTorch's side of bench/harness.py: times one workload in one thread configuration, the way
`model bench [--train]` times nnc's (random data, a warm-up, each iteration timed alone, the median
reported), in eager mode and as TorchScript, and OpenBLAS's cblas_sgemm for the matrix products.

usage: /usr/bin/python3 bench/torch_workloads.py WORKLOAD --batch N [--threads T] [--seconds S]
           [--min-iters K]

WORKLOAD is one of WORKLOADS (below). --threads sets torch.set_num_threads; OpenBLAS's own pool
is set by the caller through OPENBLAS_NUM_THREADS, since torch.set_num_threads does not limit it.
Prints one JSON object: {"eager_ms", "script_ms"} (or {"sgemm_ms"}), the threads, and the BLAS
library the process mapped (read from /proc/self/maps after the first matrix product).
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
import models  # noqa: E402


class WideMLP(nn.Module):
    """bench/models/wide_mlp.nnm."""

    def __init__(self, width=4096, io=1024):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(io, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                                 nn.Linear(width, io))

    def forward(self, x):
        return self.net(x)


# name: (module constructor, sample shape, loss or None for inference, optimizer)
WORKLOADS = {
    "mlp_infer": (models.MLP, [1, 28, 28], None, None),
    "residual_infer": (models.ResidualStack, [128], None, None),
    "mlp_train": (models.MLP, [1, 28, 28], "cross_entropy",
                  lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    "residual_train": (models.ResidualStack, [128], "mse", lambda p: torch.optim.SGD(p, lr=0.01)),
    "wide_train": (WideMLP, [1024], "mse", lambda p: torch.optim.SGD(p, lr=0.01)),
    "sgemm": (None, None, None, None),
}


def blas_library():
    """The BLAS shared object this process mapped: OpenBLAS or the reference BLAS."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def timed(step, seconds, min_iters):
    """Median milliseconds per call of step(), after 3 warm-up calls."""
    for _ in range(3):
        step()
    times, start = [], time.perf_counter()
    while len(times) < min_iters or time.perf_counter() - start < seconds:
        before = time.perf_counter()
        step()
        times.append(time.perf_counter() - before)
    times.sort()
    return 1e3 * times[len(times) // 2], len(times)


def sgemm_ms(n, seconds, min_iters):
    """cblas_sgemm of two n x n row-major matrices, C = A B, through the process's libblas.so.3."""
    import numpy as np
    blas = ctypes.CDLL("libblas.so.3")
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    c = np.zeros((n, n), dtype=np.float32)
    ptr = ctypes.POINTER(ctypes.c_float)
    args = [ctypes.c_int(101), ctypes.c_int(111), ctypes.c_int(111),  # row major, no transposes
            ctypes.c_int(n), ctypes.c_int(n), ctypes.c_int(n), ctypes.c_float(1.0),
            a.ctypes.data_as(ptr), ctypes.c_int(n), b.ctypes.data_as(ptr), ctypes.c_int(n),
            ctypes.c_float(0.0), c.ctypes.data_as(ptr), ctypes.c_int(n)]
    ms, iters = timed(lambda: blas.cblas_sgemm(*args), seconds, min_iters)
    if not np.allclose(c, a @ b, rtol=1e-3, atol=1e-3):
        raise SystemExit("torch_workloads.py: cblas_sgemm gave a wrong product")
    return ms, iters


def step_function(module, loss_name, optimizer, x, target):
    """One call: the inference forward, or zero_grad + forward + loss + backward + step."""
    if loss_name is None:
        def infer():
            with torch.no_grad():
                module(x)
        return infer
    loss_fn = nn.functional.cross_entropy if loss_name == "cross_entropy" else nn.functional.mse_loss

    def train():
        optimizer.zero_grad(set_to_none=True)
        loss_fn(module(x), target).backward()
        optimizer.step()
    return train


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=sorted(WORKLOADS))
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0: default")
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--min-iters", type=int, default=5)
    ap.add_argument("--hooks", action="store_true",
                    help="a forward hook (and in training a full backward hook) that does nothing "
                         "on every module; eager only (TorchScript modules take no hooks)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = {"workload": args.workload, "batch": args.batch, "threads": torch.get_num_threads(),
              "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
    if args.workload == "sgemm":
        result["sgemm_ms"], result["iterations"] = sgemm_ms(args.batch, args.seconds,
                                                            args.min_iters)
    else:
        build, sample, loss_name, make_optimizer = WORKLOADS[args.workload]
        x = torch.rand([args.batch] + sample) * 2 - 1
        for mode in ("eager",) if args.hooks else ("eager", "script"):
            torch.manual_seed(0)
            module = build()
            if args.hooks:
                for _, m in module.named_modules():
                    m.register_forward_hook(lambda *a: None)
                    if loss_name is not None:
                        m.register_full_backward_hook(lambda *a: None)
            out_shape = module(x[:1]).shape[1:]
            if loss_name == "cross_entropy":
                target = torch.randint(0, out_shape[-1], (args.batch,))
            else:
                target = torch.rand([args.batch] + list(out_shape)) * 2 - 1
            if mode == "script":
                module = torch.jit.script(module)
            if loss_name is None:
                module.eval()
            optimizer = make_optimizer(module.parameters()) if make_optimizer else None
            ms, iters = timed(step_function(module, loss_name, optimizer, x, target),
                              args.seconds, args.min_iters)
            result[mode + "_ms"] = ms
            result[mode + "_iterations"] = iters
    result["blas"] = blas_library()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
