#!/usr/bin/python3
"""Writes tests/reference/optimizers.json: torch.optim.SGD, Adam and AdamW run for 5 steps on a small
parameter vector with fixed gradients, with the parameters and the optimizer state after every step.

The runtime's unit test (tests/unit/runtime/optimizer_test.cpp) applies the per-element formulas of
nnc_update (runtime/include/nnrt_model.h) with the coefficients of nnrt::optimizerUpdate to the same
start and gradients, in float32, and compares. PyTorch runs in float64 here, so the fixture is the
algorithm's exact answer, not one float32 rounding of it.

usage: /usr/bin/python3 tests/reference/make_optimizer_fixtures.py
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 5
SIZE = 7

# name, optimizer class, keyword arguments as PyTorch takes them
CASES = [
    ("sgd", torch.optim.SGD, {"lr": 0.1}),
    ("sgd_weight_decay", torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.05}),
    ("sgd_momentum", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    ("sgd_dampening", torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("sgd_nesterov", torch.optim.SGD,
     {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adam", torch.optim.Adam, {"lr": 0.01}),
    ("adam_weight_decay", torch.optim.Adam,
     {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adamw", torch.optim.AdamW, {"lr": 0.01}),
    ("adamw_no_decay", torch.optim.AdamW, {"lr": 0.01, "weight_decay": 0.0}),
    ("adamw_strong_decay", torch.optim.AdamW,
     {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.5}),
]

STATE_NAMES = {"SGD": ["momentum_buffer"], "Adam": ["exp_avg", "exp_avg_sq"],
               "AdamW": ["exp_avg", "exp_avg_sq"]}


def config(cls, kwargs):
    """The optimizer as the manifest spells it: every hyperparameter explicit."""
    defaults = dict(cls([torch.zeros(1, requires_grad=True)], **kwargs).defaults)
    out = {"name": cls.__name__, "lr": defaults["lr"], "weight_decay": defaults["weight_decay"]}
    if cls is torch.optim.SGD:
        out.update(momentum=defaults["momentum"], dampening=defaults["dampening"],
                   nesterov=defaults["nesterov"])
    else:
        out.update(beta1=defaults["betas"][0], beta2=defaults["betas"][1], eps=defaults["eps"])
    return out


def run(cls, kwargs, start, grads):
    p = torch.nn.Parameter(start.clone())
    opt = cls([p], **kwargs)
    trace = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        state = opt.state[p]
        names = [n for n in STATE_NAMES[cls.__name__] if state.get(n) is not None]
        trace.append({"param": p.detach().tolist(),
                      "state": {n: state[n].tolist() for n in names}})
    return trace


def main():
    torch.manual_seed(20261130)
    start = torch.randn(SIZE, dtype=torch.float64)
    # Gradients of mixed sizes and signs, one exact zero, rounded to float32 so the C++ side
    # starts from exactly the same values.
    grads = (torch.randn(STEPS, SIZE, dtype=torch.float64) * torch.tensor([0.01, 0.1, 1, 3, 1, 0.5, 2]))
    grads[2, 4] = 0.0
    grads = grads.float().double()
    start = start.float().double()
    cases = []
    for name, cls, kwargs in CASES:
        cases.append({"name": name, "optimizer": config(cls, kwargs),
                      "steps": run(cls, kwargs, start, grads)})
    with open(os.path.join(HERE, "optimizers.json"), "w") as f:
        json.dump({"generator": "tests/reference/make_optimizer_fixtures.py",
                   "torch": torch.__version__, "start": start.tolist(),
                   "grads": grads.tolist(), "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
