#!/usr/bin/env bash
# `--capture` against PyTorch's forward hooks and full backward hooks (float64), on a fixture of
# tests/reference/make_capture_fixtures.py: the parameters and batch of a gradient fixture.
# `predict --capture '**'` must give every forward hook's tensors (1e-5 relative), and one
# training step with lr 0 (`train --capture '**'`, which captures the last step of each epoch) the
# forward tensors (1e-5) and every gradient PyTorch gives (1e-4), and no tensor PyTorch lacks.
# usage: capture_fixture.sh NNC SAFETENSORS_ALLCLOSE FIXTURE_DIR GRAD_FIXTURE_DIR SOURCE
set -euo pipefail
nnc=$1 allclose=$2 fixture=$3 grads=$4 source=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$nnc" build "$source" -o "$work/model"
count() { "$allclose" "$1" "$1" 0 | grep -c "^OK"; }

out=$("$work/model" predict --params "$grads/params.safetensors" --input "$grads/x.npy" \
  --output "$work/y.npy" --no-preprocess --capture '**' --capture-file "$work/forward.safetensors")
echo "$out"
"$allclose" "$work/forward.safetensors" "$fixture/forward.safetensors" 1e-5
[ "$(count "$work/forward.safetensors")" = "$(count "$fixture/forward.safetensors")" ] \
  || { echo "FAIL: predict captured other tensors than PyTorch's hooks"; exit 1; }

"$work/model" train --data "$grads/x.npy,$grads/y.npy" --params "$grads/params.safetensors" \
  --optimizer sgd --lr 0 --batch 16 --epochs 1 --normalize none --no-shuffle --progress plain \
  --capture '**' --capture-file "$work/train.safetensors" >/dev/null
"$allclose" "$work/train.safetensors" "$fixture/forward.safetensors" 1e-5
"$allclose" "$work/train.safetensors" "$fixture/train.safetensors" 1e-4
[ "$(count "$work/train.safetensors")" = "$(count "$fixture/train.safetensors")" ] \
  || { echo "FAIL: train captured other tensors than PyTorch's hooks"; exit 1; }
echo "capture_fixture: all checks passed"
