#!/usr/bin/python3
"""PyTorch's training time per epoch for the seed's MLP on Fashion-MNIST, the way `./mlp train`
runs it: Adam(lr=1e-3), batch 64, shuffled, inputs scaled to [0, 1] and standardised with the
training set's mean and deviation, cross entropy; the data held in memory as tensors (loading is
not timed). With --eval, the test set is evaluated after every epoch, as `./mlp train` does, and
that time is counted in seconds_total. Prints one JSON object.

    /usr/bin/python3 bench/torch_train.py [--epochs N] [--threads N] [--data DIR] [--eval]
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
import models  # noqa: E402


def idx(path, offset):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--eval", action="store_true", help="evaluate on the test set every epoch")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    x = idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), 16).astype(np.float32) / 255
    mean, std = x.mean(), x.std()
    x = torch.from_numpy(((x - mean) / std).reshape(-1, 1, 28, 28).copy())
    y = torch.from_numpy(idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"), 8).astype(np.int64))
    tx = idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"), 16).astype(np.float32) / 255
    tx = torch.from_numpy(((tx - mean) / std).reshape(-1, 1, 28, 28).copy())
    ty = torch.from_numpy(idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"), 8).astype(np.int64))
    torch.manual_seed(0)
    model = models.MLP()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    times, total, accuracy = [], 0.0, None
    for _ in range(args.epochs):
        start = time.perf_counter()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 64):
            batch = perm[i:i + 64]
            loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
        if args.eval:
            with torch.no_grad():
                correct = sum(int((model(tx[i:i + 64]).argmax(1) == ty[i:i + 64]).sum())
                              for i in range(0, len(tx), 64))
            accuracy = correct / len(tx)
        total += time.perf_counter() - start
    print(json.dumps({"seconds_per_epoch": min(times), "seconds_total": total,
                      "test_accuracy": accuracy, "threads": torch.get_num_threads(),
                      "loss": loss.item()}))


if __name__ == "__main__":
    main()
