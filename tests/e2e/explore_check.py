"""The numbers of `nnc explore`'s page (its --json data) against independent sources.

- activations: every function and its derivative against PyTorch's in double precision, with
  autograd (errors relative to max(1, |value|): near zero both float computations lose digits to
  cancellation, e.g. GELU's 1 + erf(x) for x < -4);
- parameter counts: the module tree and the sweep against the MLP's formula;
- the forward pass of sample 0: each layer's statistics against the tensors the built
  executable's `predict --capture` saved for the same sample and checkpoint;
- training curves: the metrics file's values.

usage: explore_check.py DATA.json CAPTURE.safetensors METRICS.jsonl
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=np.float32).reshape(info["shape"])
    return tensors


data = json.load(open(sys.argv[1]))
capture = read_safetensors(sys.argv[2])
metrics = [json.loads(line) for line in open(sys.argv[3]) if line.strip()]

# Activations: y and dy/dx against PyTorch (float64, autograd).
torch_fns = {
    "ReLU": torch.relu,
    "LeakyReLU(0.01)": lambda x: F.leaky_relu(x, 0.01),
    "GELU": F.gelu,
    "GELU(tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "SiLU": F.silu,
}
names = [a["name"] for a in data["activations"]]
check(sorted(names) == sorted(torch_fns), f"activations {names}")
for a in data["activations"]:
    x = torch.tensor(a["x"], dtype=torch.float64, requires_grad=True)
    y = torch_fns[a["name"]](x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    ours_y = np.array(a["y"], dtype=np.float64)
    ours_dy = np.array([np.nan if v is None else v for v in a["dy"]], dtype=np.float64)
    kink = np.abs(x.detach().numpy()) < 1e-6  # ReLU's derivative at 0 is a convention
    ref_y, ref_dy = y.detach().numpy(), dy.numpy()
    err_y = np.max(np.abs(ours_y - ref_y) / np.maximum(1.0, np.abs(ref_y)))
    err_dy = np.max((np.abs(ours_dy - ref_dy) / np.maximum(1.0, np.abs(ref_dy)))[~kink])
    check(err_y < 1e-5, f"{a['name']}: y differs from PyTorch by {err_y:.2e} (relative)")
    check(err_dy < 1e-4, f"{a['name']}: dy differs from PyTorch's autograd by {err_dy:.2e}")
    print(f"{a['name']:16s} y {err_y:.1e}  dy {err_dy:.1e}")

# Parameter counts: 784*h1 + h1 + h1*h2 + h2 + h2*10 + 10.
def mlp_params(h1=256, h2=128):
    return 784 * h1 + h1 + h1 * h2 + h2 + h2 * 10 + 10


check(data["modules"]["params"] == mlp_params(), "the model's parameter count")
net0 = data["modules"]["children"][0]["children"][0]
check(net0["path"] == "net.0" and net0["params"] == 784 * 256 + 256, "net.0's parameter count")
sweeps = {s["argument"]: s for s in data["sweep"]}
check(sweeps["hidden1"]["values"] == [32, 64, 128, 256, 512], "the --sweep values")
check(sweeps["hidden1"]["params"] == [mlp_params(h1=v) for v in sweeps["hidden1"]["values"]],
      "the hidden1 sweep")
check(sweeps["hidden2"]["values"] == [32, 64, 128, 256, 512], "hidden2's default range")
check(sweeps["hidden2"]["params"] == [mlp_params(h2=v) for v in sweeps["hidden2"]["values"]],
      "the hidden2 sweep")
check(sweeps["classes"]["default"] == 10, "classes' default")

# The forward pass of sample 0 against the executable's capture of it.
layers = {l["module"]: l for l in data["forward"]["samples"][0]["layers"]}
for module in ["net.0", "net.1", "net.2", "net.3", "net.4"]:
    t = capture[f"{module}:output"].astype(np.float64)
    mine = layers[module]
    for stat, value in [("mean", t.mean()), ("std", t.std()), ("min", t.min()), ("max", t.max()),
                        ("zeros", float(np.mean(t == 0)))]:
        err = abs(mine[stat] - value) / (1e-6 + abs(value))
        check(err < 1e-5, f"forward {module} {stat}: {mine[stat]} vs the capture's {value}")
    check(sum(mine["histogram"]["counts"]) == t.size, f"forward {module}: histogram counts")
print("forward pass of sample 0: statistics match the capture of `predict`")

# Initialisers: five, with gradients of the three weights.
inits = data["init"]["initializers"]
check(len(inits) == 5, "five initialisers")
for i in inits:
    check([g["module"] for g in i["gradients"]] == ["net.0.weight", "net.2.weight", "net.4.weight"],
          f"{i['name']}: gradients of the weights")
std_last = {i["name"]: i["activations"][-1]["std"] for i in inits}
check(std_last["normal(0, 1)"] > 100 * std_last["the model's own"],
      "normal(0, 1) should blow the activations up")

# Curves: the metrics file's values.
series = {s["name"]: s["values"] for s in data["curves"]["series"]}
check(data["curves"]["epochs"] == [m["epoch"] for m in metrics], "the curves' epochs")
check(series["train loss"] == [m["train_loss"] for m in metrics], "the train loss curve")
check(series["validation loss"] == [m["val_loss"] for m in metrics], "the validation loss curve")

if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print("explore_check: all checks passed")
