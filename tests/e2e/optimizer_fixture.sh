#!/usr/bin/env bash
# The compiled optimizer update against torch.optim, step by step: trains the fixture's model
# (tests/reference/make_training_fixtures.py) for as many full-batch steps as PyTorch took, with
# the case's optimizer in the train block, then compares the loss of every step (from the metrics
# log; each is computed before its step's update, so step k's loss checks the first k-1 updates)
# and the final parameters.
# usage: optimizer_fixture.sh NNC SAFETENSORS_ALLCLOSE FIXTURE_DIR TEMPLATE CASE OPTIMIZER LOSS...
set -euo pipefail
nnc=$1 allclose=$2 fixture=$3 template=$4 case=$5 optimizer=$6
shift 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed "s/OPTIMIZER/$optimizer/" "$template" >"$work/model.nnm"
"$nnc" build "$work/model.nnm" -o "$work/model"
"$work/model" train --data "$fixture/x.npy,$fixture/y.npy" --params "$fixture/params.safetensors" \
  --epochs $# --save "$work/ckpt.safetensors" --metrics "$work/metrics.jsonl" --progress plain \
  >"$work/log"
status=0
step=0
for expected in "$@"; do
  step=$((step + 1))
  actual=$(sed -n "${step}s/.*\"train_loss\": *\([-0-9.eE+]*\).*/\1/p" "$work/metrics.jsonl")
  awk -v a="$actual" -v e="$expected" -v s=$step 'BEGIN {
    d = a - e; if (d < 0) d = -d; r = d / (e < 0 ? -e : e)
    printf "%s step %d loss %s, PyTorch %s, rel %.2e\n", (r <= 1e-5 ? "OK" : "FAIL"), s, a, e, r
    exit r <= 1e-5 ? 0 : 1 }' || status=1
done
"$allclose" "$work/ckpt.safetensors" "$fixture/$case.safetensors" 1e-5 || status=1
exit $status
