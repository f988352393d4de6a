#!/usr/bin/python3
"""PyTorch mirrors of the models in examples/*.nnm, with identical state_dict names and shapes.

Run with /usr/bin/python3 (Debian's PyTorch 1.13 lives there). Each case is described in CASES;
build_case(name) returns a fresh module built with PyTorch's default initialisation (the caller sets
the seed). The module trees, parameter names and forward semantics follow the .nnm sources exactly:

    mlp             examples/mlp.nnm            MLP            x [4,1,28,28] -> y [4,10]
    manual_linear   examples/manual_linear.nnm  ManualLinear(32, 8)   x [4,32] -> y [4,8]
    named_mlp       examples/named_mlp.nnm      NamedMLP       x [4,784] -> y [4,10]
    residual        examples/residual.nnm       ResidualStack  x [4,128] -> y [4,128]
    deep            examples/deep.nnm           Deep           x [4,128] -> (y0 [4,10], y1 [4,1])
    act_*           examples/activations.nnm    Act*           x [4,64]  -> y [4,64]
"""
from collections import OrderedDict

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, hidden1=256, hidden2=128, classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(784, hidden1), nn.ReLU(),
            nn.Linear(hidden1, hidden2), nn.ReLU(),
            nn.Linear(hidden2, classes),
        )

    def forward(self, x):
        return self.net(torch.flatten(x, 1))


class ManualLinear(nn.Module):
    """param W: [d_out, d_in] = randn(); param b: [d_out] = zeros(); forward x @ W.T + b."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.W = nn.Parameter(torch.randn(d_out, d_in))
        self.b = nn.Parameter(torch.zeros(d_out))

    def forward(self, x):
        return x @ self.W.T + self.b


class NamedMLP(nn.Module):
    """Sequential with named layers. The .nnm also declares init overrides (net.fc1.weight =
    kaiming_normal(relu), net.*.bias = zeros); apply_nnm_init() reproduces them in distribution."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(784, 256)),
            ("act", nn.ReLU()),
            ("fc2", nn.Linear(256, 10)),
        ]))

    def apply_nnm_init(self):
        with torch.no_grad():
            nn.init.kaiming_normal_(self.net.fc1.weight, nonlinearity="relu")
            nn.init.zeros_(self.net.fc1.bias)
            nn.init.zeros_(self.net.fc2.bias)
        return self

    def forward(self, x):
        return self.net(x)


class ResidualBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.block = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))

    def forward(self, x):
        return x + self.block(x)


class ResidualStack(nn.Module):
    def __init__(self, dim=128, depth=4):
        super().__init__()
        self.blocks = nn.ModuleList([ResidualBlock(dim) for _ in range(depth)])

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return x


class ResidualClassifier(nn.Module):
    """examples/residual_fashion.nnm: stem, the residual stack, head."""

    def __init__(self, width=128, depth=4, classes=10):
        super().__init__()
        self.stem = nn.Linear(784, width)
        self.body = ResidualStack(width, depth)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        return self.head(torch.relu(self.body(torch.relu(self.stem(torch.flatten(x, 1))))))


class Deep(nn.Module):
    def __init__(self, dim=128, depth=4):
        super().__init__()
        self.blocks = nn.ModuleList([ResidualBlock(dim) for _ in range(depth)])
        self.heads = nn.ModuleDict(OrderedDict([("cls", nn.Linear(dim, 10)), ("reg", nn.Linear(dim, 1))]))
        self.register_buffer("scale", torch.ones(dim))  # persistent: it is in the state_dict

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        x = x * self.scale
        return self.heads["cls"](x), self.heads["reg"](x)


class Act(nn.Module):
    """One activation applied by its module form, as `act = ...` in examples/activations.nnm."""

    def __init__(self, act):
        super().__init__()
        self.act = act

    def forward(self, x):
        return self.act(x)


_ACTS = OrderedDict([
    ("act_relu", ("ActReLU", lambda: nn.ReLU())),
    ("act_leaky_relu", ("ActLeakyReLU", lambda: nn.LeakyReLU(0.2))),
    ("act_gelu", ("ActGELU", lambda: nn.GELU())),
    ("act_gelu_tanh", ("ActGELUTanh", lambda: nn.GELU(approximate="tanh"))),
    ("act_sigmoid", ("ActSigmoid", lambda: nn.Sigmoid())),
    ("act_tanh", ("ActTanh", lambda: nn.Tanh())),
    ("act_silu", ("ActSiLU", lambda: nn.SiLU())),
    ("act_softmax", ("ActSoftmax", lambda: nn.Softmax(dim=-1))),
    ("act_log_softmax", ("ActLogSoftmax", lambda: nn.LogSoftmax(dim=-1))),
])

# name -> dict(source, model (the .nnm model name), build, input_shape, param_count)
CASES = OrderedDict()
CASES["mlp"] = dict(source="examples/mlp.nnm", model="MLP", build=MLP,
                    input_shape=[4, 1, 28, 28], param_count=235146)
CASES["manual_linear"] = dict(source="examples/manual_linear.nnm", model="ManualLinear",
                              build=lambda: ManualLinear(32, 8), input_shape=[4, 32], param_count=264)
CASES["named_mlp"] = dict(source="examples/named_mlp.nnm", model="NamedMLP", build=NamedMLP,
                          input_shape=[4, 784], param_count=203530)
CASES["residual"] = dict(source="examples/residual.nnm", model="ResidualStack", build=ResidualStack,
                         input_shape=[4, 128], param_count=132096)
CASES["deep"] = dict(source="examples/deep.nnm", model="Deep", build=Deep,
                     input_shape=[4, 128], param_count=133515)
for _case, (_model, _ctor) in _ACTS.items():
    CASES[_case] = dict(source="examples/activations.nnm", model=_model,
                        build=(lambda c=_ctor: Act(c())), input_shape=[4, 64], param_count=0)


def case_names():
    return list(CASES.keys())


def build_case(name):
    """A fresh nn.Module for case `name`, default-initialised from the current torch RNG state."""
    if name not in CASES:
        raise KeyError("unknown case %r; known: %s" % (name, ", ".join(CASES)))
    return CASES[name]["build"]()


def as_outputs(y):
    """Normalise a forward result to a list of tensors (tuple outputs stay in order)."""
    return list(y) if isinstance(y, (tuple, list)) else [y]


def run_float64(module, x):
    """Evaluate `module` in float64 on `x` (a float32 tensor or array): the reference numerics.

    The module is deep-copied and cast to double, so float32 parameters are used exactly."""
    import copy
    m = copy.deepcopy(module).double().eval()
    xt = torch.as_tensor(x).double()
    with torch.no_grad():
        return [t.detach().clone() for t in as_outputs(m(xt))]


def load_params(module, tensors, allow_extra_prefixes=()):
    """Load a name -> np.ndarray mapping into `module` with strict name/shape checking.

    Returns a list of human-readable problems (empty on success). Names starting with one of
    `allow_extra_prefixes` (e.g. optimizer state in a checkpoint) are ignored."""
    expected = module.state_dict()
    problems = []
    given = OrderedDict((k, v) for k, v in tensors.items()
                        if not any(k.startswith(p) for p in allow_extra_prefixes))
    for k in expected:
        if k not in given:
            problems.append("missing:    %s %s" % (k, list(expected[k].shape)))
    for k, v in given.items():
        if k not in expected:
            problems.append("unexpected: %s %s" % (k, list(v.shape)))
        elif list(v.shape) != list(expected[k].shape):
            problems.append("shape:      %s is %s, expected %s" % (k, list(v.shape), list(expected[k].shape)))
        elif str(v.dtype) != "float32":
            problems.append("dtype:      %s is %s, expected float32" % (k, v.dtype))
    if problems:
        return problems
    sd = OrderedDict((k, torch.from_numpy(v.copy())) for k, v in given.items())
    try:
        module.load_state_dict(sd, strict=True)
    except RuntimeError as e:  # should not happen after the checks above
        return ["load_state_dict: %s" % e]
    return []
