#!/usr/bin/env bash
# Compile time against model size: `nnc build` of a chain of n elementwise ops with a train block
# (forward, loss, gradients and optimizer update compiled), for n = 100, 1,000 and 10,000, in two
# shapes: `h = tanh(h * w)` (a parameter in every op) and `h = h + x * <constant>` (a different
# constant in every op). Prints wall-clock seconds and milliseconds per op; linear growth keeps the
# last column flat. The test suite checks the same property by counting work
# (tests/unit/compiler/test_compile_scaling.cpp); this script measures the time.
# usage: bench/compile.sh [BUILD_DIR]       (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
nnc=$build/bin/nnc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chain() { # chain KIND N > file.nnm
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
step = "        h = tanh(h * w)\n" if kind == "param" else None
body = "".join(step if step else f"        h = h + x * {i}.5\n" for i in range(n))
print("module Chain {\n    param w: [4] = randn()\n    forward(x: [B, 4]) -> [B, 4] {\n"
      "        h = x\n" + body + "        return h * w\n    }\n}\nmodel Chain()\n"
      "train {\n    loss = mse(output, target)\n    optimizer = SGD(lr: 0.01)\n}")
PY
}

printf '%-28s %8s %10s %10s\n' chain ops seconds "ms/op"
for kind in param constant; do
  for n in 100 1000 10000; do
    chain "$kind" "$n" > "$work/chain.nnm"
    start=$(date +%s.%N)
    "$nnc" build "$work/chain.nnm" -o "$work/chain"
    end=$(date +%s.%N)
    label=$([ "$kind" = param ] && echo "h = tanh(h * w)" || echo "h = h + x * c")
    /usr/bin/python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); \
print(f'{sys.argv[3]:<28} {int(sys.argv[4]):>8} {s:>10.2f} {1000 * s / int(sys.argv[4]):>10.3f}')" \
      "$start" "$end" "$label" "$n"
  done
done
echo "nnc build, train block included (the executable links the training step); one process per row"
