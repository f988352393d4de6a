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
