#!/usr/bin/env bash
# The MLP's `init` and `predict` seen from PyTorch: the file `./mlp init` writes loads into the
# PyTorch model by name with the same shapes and looks like PyTorch's default initialisation, the
# same seed gives the same bytes and another seed other bytes, and PyTorch reproduces `predict`
# from the same safetensors file within 1e-5. Exits 77 (skipped) when PyTorch is missing.
# usage: mlp_init.sh NNC SOURCE_ROOT
set -euo pipefail
nnc=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ref="$root/tests/reference"

"$nnc" build "$root/examples/mlp.nnm" -o "$work/mlp"
"$work/mlp" init --seed 1 -o "$work/p1.safetensors"
"$work/mlp" init --seed 1 -o "$work/p1again.safetensors"
"$work/mlp" init --seed 2 -o "$work/p2.safetensors"
cmp "$work/p1.safetensors" "$work/p1again.safetensors"
if cmp -s "$work/p1.safetensors" "$work/p2.safetensors"; then
  echo "FAIL: seeds 1 and 2 gave the same parameters"; exit 1
fi
"$work/mlp" predict --params "$work/p1.safetensors" --input "$ref/fixtures/mlp/x.npy" \
  --output "$work/y.npy"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "SKIP: PyTorch is not installed"; exit 77
fi
/usr/bin/python3 "$ref/check_state_dict.py" mlp "$work/p1.safetensors"
/usr/bin/python3 "$ref/check_outputs.py" mlp "$work/p1.safetensors" "$ref/fixtures/mlp/x.npy" \
  "$work/y.npy"
