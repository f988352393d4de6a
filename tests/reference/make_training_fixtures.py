#!/usr/bin/python3
"""Regenerate the optimizer fixtures under tests/reference/fixtures/optim/.

    /usr/bin/python3 tests/reference/make_training_fixtures.py

The model of tests/e2e/models/tiny_regression.nnm (Linear(4, 8), tanh, Linear(8, 3), mse) with
PyTorch's default initialisation (seed 20261129), a fixed batch x = randn [32, 4],
y = randn [32, 3], and for each optimizer case STEPS full-batch steps of torch.optim in float32:
  * params.safetensors, x.npy, y.npy: the shared start;
  * <case>.safetensors: the parameters after the last step;
  * cases.json: per case, the optimizer as the .nnm's train block writes it, and the loss of
    every step (computed before that step's update, as `train` reports it).
tests/e2e/optimizer_fixture.sh trains the same steps with nnc and compares both.
"""
import json
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import safetensors_io  # noqa: E402

STEPS = 6
# name: (nnc's train block optimizer, the torch.optim constructor)
CASES = OrderedDict([
    ("sgd", ("SGD(lr: 0.1)", lambda p: torch.optim.SGD(p, lr=0.1))),
    ("sgd_momentum", ("SGD(lr: 0.05, momentum: 0.9, dampening: 0.1, weight_decay: 0.01)",
                      lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1,
                                                weight_decay=0.01))),
    ("sgd_nesterov", ("SGD(lr: 0.05, momentum: 0.8, nesterov: true)",
                      lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True))),
    ("adam", ("Adam(lr: 0.01)", lambda p: torch.optim.Adam(p, lr=0.01))),
    ("adam_l2", ("Adam(lr: 0.02, betas: (0.8, 0.95), eps: 1e-6, weight_decay: 0.1)",
                 lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=1e-6,
                                            weight_decay=0.1))),
    ("adamw", ("AdamW(lr: 0.01, weight_decay: 0.1)",
               lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1))),
])


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def main():
    torch.set_num_threads(1)
    out = os.path.join(HERE, "fixtures", "optim")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20261129)
    start = Tiny()
    x = torch.randn(32, 4)
    y = torch.randn(32, 3)
    safetensors_io.save(OrderedDict((k, v.numpy()) for k, v in start.state_dict().items()),
                        os.path.join(out, "params.safetensors"))
    np.save(os.path.join(out, "x.npy"), x.numpy().astype("<f4"))
    np.save(os.path.join(out, "y.npy"), y.numpy().astype("<f4"))
    cases = OrderedDict()
    for name, (source, make) in CASES.items():
        model = Tiny()
        model.load_state_dict(start.state_dict())
        opt = make(model.parameters())
        losses = []
        for _ in range(STEPS):
            loss = torch.nn.functional.mse_loss(model(x), y)
            losses.append(loss.item())
            opt.zero_grad()
            loss.backward()
            opt.step()
        safetensors_io.save(OrderedDict((k, v.detach().numpy()) for k, v in model.state_dict().items()),
                            os.path.join(out, name + ".safetensors"))
        cases[name] = {"optimizer": source, "losses": losses}
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"steps": STEPS, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
