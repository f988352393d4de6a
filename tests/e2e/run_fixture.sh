#!/usr/bin/env bash
# Builds one example with nnc, runs `predict` on a PyTorch fixture's parameters and input, and
# compares every output with PyTorch's (tests/reference/fixtures).
# usage: run_fixture.sh NNC NPY_ALLCLOSE FIXTURE_DIR SOURCE MODEL RTOL OUTPUT...
set -euo pipefail
nnc=$1 allclose=$2 fixture=$3 source=$4 model=$5 rtol=$6
shift 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$nnc" build "$source" --model "$model" -o "$work/model"
params=()
if [ -f "$fixture/params.safetensors" ]; then
  params=(--params "$fixture/params.safetensors")
fi
outs=()
for o in "$@"; do outs+=(--output "$work/$o"); done
"$work/model" predict "${params[@]}" --input "$fixture/x.npy" "${outs[@]}"
status=0
for o in "$@"; do
  "$allclose" "$work/$o" "$fixture/$o" "$rtol" || status=1
done
exit $status
