#!/usr/bin/env python3
"""Writes tests/reference/losses.json: for each loss of stdlib/losses.nnm, an input, a target,
and PyTorch's value and gradient with respect to the input (float64, reduction="mean").

Class targets are given to PyTorch as class indices (cross_entropy, nll) and to nnc as the
matching one-hot rows, so the fixture also checks that the two forms agree.

usage: /usr/bin/python3 tests/reference/make_loss_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def case(name, x, target_for_nnc, loss_fn):
    x = x.clone().requires_grad_(True)
    value = loss_fn(x)
    (grad,) = torch.autograd.grad(value, x)
    return {"loss": name, "input": x.detach().tolist(), "target": target_for_nnc.tolist(),
            "value": value.item(), "grad": grad.tolist()}


def main():
    torch.manual_seed(20261129)
    B, C = 3, 5
    logits = torch.randn(B, C, dtype=torch.float64) * 2
    labels = torch.tensor([4, 0, 2])
    onehot = F.one_hot(labels, C).to(torch.float64)
    probs = torch.softmax(torch.randn(B, C, dtype=torch.float64), 1)
    p = torch.rand(B, C, dtype=torch.float64) * 0.9 + 0.05
    t01 = (torch.rand(B, C, dtype=torch.float64) > 0.5).to(torch.float64)
    y = torch.randn(B, C, dtype=torch.float64)
    cases = [
        case("mse", logits, y, lambda x: F.mse_loss(x, y)),
        case("cross_entropy", logits, onehot, lambda x: F.cross_entropy(x, labels)),
        case("cross_entropy", logits, probs, lambda x: F.cross_entropy(x, probs)),
        case("nll", torch.log_softmax(logits, 1), onehot, lambda x: F.nll_loss(x, labels)),
        case("binary_cross_entropy", p, t01, lambda x: F.binary_cross_entropy(x, t01)),
        case("binary_cross_entropy_with_logits", logits * 5, t01,
             lambda x: F.binary_cross_entropy_with_logits(x, t01)),
    ]
    with open(os.path.join(HERE, "losses.json"), "w") as f:
        json.dump({"generator": "tests/reference/make_loss_fixtures.py",
                   "torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
