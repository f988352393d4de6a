#!/usr/bin/python3
"""Regenerate the gradient fixtures under tests/reference/fixtures/grad_*/.

    /usr/bin/python3 tests/reference/make_grad_fixtures.py

For the seed's MLP (examples/mlp.nnm) and the residual stack classifier
(examples/residual_fashion.nnm), each with cross_entropy as in its train block:
  * build the model with PyTorch's default initialisation (torch.manual_seed(crc32 of the name)),
  * draw a batch: x = randn [16, 1, 28, 28] (float32), labels uniform in 0..9 (int64),
  * compute the loss and the gradient of every parameter in float64, from the very same float32
    parameters and inputs,
  * write params.safetensors (F32), x.npy (<f4), y.npy (<i8), loss.json and grads.safetensors
    (the float64 gradients rounded to F32, state_dict names).
tests/e2e/grad_fixture.sh compares nnc's compiled training step against them (1e-4 relative).
The output is byte-for-byte deterministic.
"""
import json
import os
import sys
import zlib
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import models  # noqa: E402
import safetensors_io  # noqa: E402

CASES = OrderedDict([
    ("grad_mlp", models.MLP),
    ("grad_residual", models.ResidualClassifier),
])
BATCH = 16


def make(name, build, out):
    torch.manual_seed(zlib.crc32(name.encode()))
    model = build().float()
    x = torch.randn(BATCH, 1, 28, 28, dtype=torch.float32)
    y = torch.randint(0, 10, (BATCH,), dtype=torch.int64)
    model64 = build().double()
    model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    loss = torch.nn.functional.cross_entropy(model64(x.double()), y)
    loss.backward()
    os.makedirs(out, exist_ok=True)
    safetensors_io.save(OrderedDict((k, v.detach().numpy()) for k, v in model.state_dict().items()),
                        os.path.join(out, "params.safetensors"))
    safetensors_io.save(OrderedDict((k, p.grad.float().numpy()) for k, p in model64.named_parameters()),
                        os.path.join(out, "grads.safetensors"))
    np.save(os.path.join(out, "x.npy"), x.numpy().astype("<f4"))
    np.save(os.path.join(out, "y.npy"), y.numpy().astype("<i8"))
    with open(os.path.join(out, "loss.json"), "w") as f:
        json.dump({"loss": loss.item()}, f)
        f.write("\n")


def main():
    torch.set_num_threads(1)
    for name, build in CASES.items():
        make(name, build, os.path.join(HERE, "fixtures", name))


if __name__ == "__main__":
    main()
