#!/usr/bin/python3
"""Regenerate the hook fixtures under tests/reference/fixtures/capture_*/.

    /usr/bin/python3 tests/reference/make_capture_fixtures.py

For the seed's MLP and the residual classifier, with the parameters and the batch of the
gradient fixtures (fixtures/grad_mlp, fixtures/grad_residual: make_grad_fixtures.py), in float64:
  * a forward hook (register_forward_hook) on every module of named_modules() records the inputs
    and outputs of each call;
  * a full backward hook (register_full_backward_hook) records grad_input and grad_output, after
    the cross_entropy loss of the train block is differentiated (a gradient that PyTorch gives
    as None is not recorded);
  * forward.safetensors holds the forward hooks' tensors, train.safetensors all of them, named
    as `--capture` names them: `<path>:input.<i>`, `<path>:output`, `<path>:grad_input.<i>`,
    `<path>:grad_output.<i>`, with `<path>#<n>` for a module's n-th call (n > 1).
tests/e2e/capture_fixture.sh compares `predict --capture '**'` and a training step's
`train --capture '**'` against them (activations 1e-5, gradients 1e-4 relative).
The output is byte-for-byte deterministic.
"""
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import models  # noqa: E402
import safetensors_io  # noqa: E402

CASES = OrderedDict([
    ("capture_mlp", ("grad_mlp", models.MLP)),
    ("capture_residual", ("grad_residual", models.ResidualClassifier)),
])


def make(source, build, out):
    fixture = os.path.join(HERE, "fixtures", source)
    params = safetensors_io.load(os.path.join(fixture, "params.safetensors"))
    x = torch.from_numpy(np.load(os.path.join(fixture, "x.npy"))).double()
    y = torch.from_numpy(np.load(os.path.join(fixture, "y.npy")))
    model = build().double()
    model.load_state_dict({k: torch.from_numpy(np.asarray(v)).double() for k, v in params.items()})
    forward, backward = OrderedDict(), OrderedDict()
    calls = {}

    def prefix(name, counts):
        counts[name] = counts.get(name, 0) + 1
        return name if counts[name] == 1 else "%s#%d" % (name, counts[name])

    backward_calls = {}
    for name, module in model.named_modules():
        def forward_hook(module, inputs, output, name=name):
            path = prefix(name, calls)
            for i, t in enumerate(inputs):
                forward["%s:input.%d" % (path, i)] = t.detach().float().numpy()
            outputs = output if isinstance(output, tuple) else (output,)
            for i, t in enumerate(outputs):
                key = "%s:output" % path if len(outputs) == 1 else "%s:output.%d" % (path, i)
                forward[key] = t.detach().float().numpy()

        def backward_hook(module, grad_input, grad_output, name=name):
            path = prefix(name, backward_calls)
            for i, g in enumerate(grad_input):
                if g is not None:
                    backward["%s:grad_input.%d" % (path, i)] = g.detach().float().numpy()
            for i, g in enumerate(grad_output):
                if g is not None:
                    backward["%s:grad_output.%d" % (path, i)] = g.detach().float().numpy()

        module.register_forward_hook(forward_hook)
        module.register_full_backward_hook(backward_hook)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    os.makedirs(out, exist_ok=True)
    safetensors_io.save(forward, os.path.join(out, "forward.safetensors"))
    both = OrderedDict(forward)
    both.update(backward)
    safetensors_io.save(both, os.path.join(out, "train.safetensors"))


def main():
    torch.set_num_threads(1)
    for name, (source, build) in CASES.items():
        make(source, build, os.path.join(HERE, "fixtures", name))


if __name__ == "__main__":
    main()
