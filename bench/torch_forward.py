#!/usr/bin/env python3
"""Times PyTorch's forward pass of one reference model (tests/reference/models.py) on random
input, the way `model bench` times nnc's: warm-up, then iterations for at least --seconds.

usage: /usr/bin/python3 bench/torch_forward.py CASE --batch N [--threads T] [--seconds S]
Prints one JSON object like `model bench --json`.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import models  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0: default")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    module = models.build_case(args.case).eval()
    shape = [args.batch] + list(models.CASES[args.case]["input_shape"][1:])
    x = torch.rand(shape) * 2 - 1
    with torch.no_grad():
        for _ in range(3):
            module(x)
        iters, start = 0, time.perf_counter()
        while iters < 10 or time.perf_counter() - start < args.seconds:
            module(x)
            iters += 1
        elapsed = time.perf_counter() - start
    per_batch = elapsed / iters
    print(json.dumps({"model": args.case, "batch": args.batch, "threads": torch.get_num_threads(),
                      "iterations": iters, "seconds": elapsed, "ms_per_batch": per_batch * 1e3,
                      "samples_per_second": args.batch / per_batch}))


if __name__ == "__main__":
    main()
