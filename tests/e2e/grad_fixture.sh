#!/usr/bin/env bash
# The compiled training step's gradients against PyTorch's (float64), on a fixture of
# tests/reference/make_grad_fixtures.py. One SGD step with momentum and lr 0 from the fixture's
# parameters over its whole batch leaves the step's gradients, untouched, in the checkpoint's
# momentum buffers; safetensors_allclose compares them. The epoch's loss (in the metrics log) is compared
# with PyTorch's too.
# usage: grad_fixture.sh NNC SAFETENSORS_ALLCLOSE FIXTURE_DIR SOURCE
set -euo pipefail
nnc=$1 allclose=$2 fixture=$3 source=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$nnc" build "$source" -o "$work/model"
"$work/model" train --data "$fixture/x.npy,$fixture/y.npy" --params "$fixture/params.safetensors" \
  --optimizer sgd --momentum 0.9 --lr 0 --batch 16 --epochs 1 --normalize none \
  --save "$work/ckpt.safetensors" --metrics "$work/metrics.jsonl" --progress plain
"$allclose" "$work/ckpt.safetensors" "$fixture/grads.safetensors" 1e-4 optimizer.momentum_buffer.
# The loss: 1e-5 relative (f32 against f64).
loss=$(sed -n 's/.*"train_loss": *\([-0-9.eE+]*\).*/\1/p' "$work/metrics.jsonl")
expected=$(sed -n 's/.*"loss": *\([-0-9.eE+]*\).*/\1/p' "$fixture/loss.json")
awk -v a="$loss" -v e="$expected" 'BEGIN {
  d = a - e; if (d < 0) d = -d; r = d / (e < 0 ? -e : e)
  printf "%s loss %s, PyTorch %s, rel %.2e\n", (r <= 1e-5 ? "OK" : "FAIL"), a, e, r
  exit r <= 1e-5 ? 0 : 1 }'
