#!/usr/bin/env bash
# `model bench` runs the compiled forward pass and reports what it measured (the figures are not
# checked: timing belongs to bench/, not to tests).
# usage: bench_smoke.sh NNC SOURCE_ROOT
set -euo pipefail
nnc=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$nnc" build "$root/examples/residual.nnm" -o "$work/residual"
out=$("$work/residual" bench --batch 3 --seconds 0 --min-iters 2 --json)
echo "$out"
echo "$out" | grep -q '"batch":3' || { echo "FAIL: batch not reported"; exit 1; }
echo "$out" | grep -q '"iterations":2' || { echo "FAIL: iterations not reported"; exit 1; }
"$(dirname "$0")/expect_fail.sh" "--batch must be at least 1, got 0" "$work/residual" bench --batch 0
# --train: the training step of the train block, with float targets (xor) and class labels (mlp);
# a model without a train block is refused.
"$(dirname "$0")/expect_fail.sh" "this model has no train block" "$work/residual" bench --train
for model in xor mlp; do
  "$nnc" build "$root/examples/$model.nnm" -o "$work/$model"
  out=$("$work/$model" bench --train --batch 5 --seconds 0 --min-iters 3 --json)
  echo "$out"
  echo "$out" | grep -q '"what":"train_step"' || { echo "FAIL: $model: not a training step"; exit 1; }
  echo "$out" | grep -q '"iterations":3' || { echo "FAIL: $model: iterations not reported"; exit 1; }
  echo "$out" | grep -q '"ms_per_step":' || { echo "FAIL: $model: no step time"; exit 1; }
  echo "$out" | grep -q '"peak_memory_bytes":[1-9]' || { echo "FAIL: $model: no peak memory"; exit 1; }
  # --hooked: the hooked variant, forward and training step.
  for train in "" --train; do
    # shellcheck disable=SC2086
    out=$("$work/$model" bench $train --hooked --batch 5 --seconds 0 --min-iters 2 --json)
    echo "$out" | grep -q '"hooked":true' || { echo "FAIL: $model: bench $train --hooked"; exit 1; }
  done
done
