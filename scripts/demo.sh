#!/usr/bin/env bash
# The demo: installs what is missing, builds nnc, and walks the seed's MLP through the pipeline:
# check, summary, build to a native executable, init, predict, and PyTorch reproducing the
# prediction from the same parameter file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build nnc npy_allclose
nnc=$root/build/bin/nnc
out=$root/out/demo
mkdir -p "$out"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$nnc" check examples/mlp.nnm
step "$nnc" summary examples/mlp.nnm
step "$nnc" build examples/mlp.nnm -o "$out/mlp"
step "$out/mlp" info
step "$out/mlp" init --seed 1 -o "$out/p.safetensors"
step "$out/mlp" predict --params "$out/p.safetensors" \
  --input tests/reference/fixtures/mlp/x.npy --output "$out/y.npy"
step /usr/bin/python3 tests/reference/check_outputs.py mlp "$out/p.safetensors" \
  tests/reference/fixtures/mlp/x.npy "$out/y.npy"
printf '\nThe executable, parameters and outputs are in %s\n' "$out"
