#!/usr/bin/env bash
# The demo: installs what is missing, builds nnc, and takes the seed's MLP from source to a trained
# model: check, summary, build a native executable, train it on all of Fashion-MNIST (10 epochs, the
# time per epoch printed), evaluate the checkpoint, and have PyTorch reproduce the trained model's
# predictions from the same file. predict applies the checkpoint's input normalisation (as eval
# does), so the PyTorch check applies the same statistics (--preprocess) to compare like with like.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build nnc npy_allclose
nnc=$root/build/bin/nnc
out=$root/out/demo
mkdir -p "$out"
data=/usr/share/datasets/fashion-mnist

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$nnc" check examples/mlp.nnm
step "$nnc" summary examples/mlp.nnm
step "$nnc" build examples/mlp.nnm -o "$out/mlp"
step "$out/mlp" train --data "$data" --save "$out/mlp.safetensors" --metrics "$out/metrics.jsonl"
step "$out/mlp" eval --params "$out/mlp.safetensors" --data "$data"
step "$out/mlp" predict --params "$out/mlp.safetensors" \
  --input tests/reference/fixtures/mlp/x.npy --output "$out/y.npy"
step /usr/bin/python3 tests/reference/check_outputs.py mlp "$out/mlp.safetensors" \
  tests/reference/fixtures/mlp/x.npy "$out/y.npy" --allow-extra optimizer. --preprocess
printf '\nThe executable, the checkpoint, the metrics log and the outputs are in %s\n' "$out"
