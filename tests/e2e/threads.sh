#!/usr/bin/env bash
# --threads: training with 1, 2 and 3 threads writes the same checkpoint, byte for byte; a run
# resumed with another thread count ends where an uninterrupted one does; predictions are the same
# bits; bad counts are refused. (The matrix products are split between the threads: each element
# is still one sum in one order, tests/unit/compiler/test_matmul_kernels.cpp.)
# usage: threads.sh NNC SOURCE_ROOT
set -euo pipefail
nnc=$1 root=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixture=$root/tests/reference/fixtures/grad_mlp
data=$fixture/x.npy,$fixture/y.npy
"$nnc" build "$root/examples/mlp.nnm" -o "$work/mlp"
train() { "$work/mlp" train --data "$data" --batch 8 --progress plain "$@" >/dev/null; }
for t in 1 2 3; do
  train --epochs 2 --threads "$t" --save "$work/t$t.safetensors"
done
cmp "$work/t1.safetensors" "$work/t2.safetensors" || { echo "FAIL: 1 and 2 threads differ"; exit 1; }
cmp "$work/t1.safetensors" "$work/t3.safetensors" || { echo "FAIL: 1 and 3 threads differ"; exit 1; }
train --epochs 1 --threads 1 --save "$work/r.safetensors"
train --epochs 2 --threads 2 --save "$work/r.safetensors" --resume
cmp "$work/t1.safetensors" "$work/r.safetensors" \
  || { echo "FAIL: a resume with 2 threads differs from 2 epochs with 1"; exit 1; }
# 9 threads: more than this machine's CPUs (the workers then sleep instead of spinning).
for t in 1 2 3 9; do
  "$work/mlp" predict --params "$work/t1.safetensors" --input "$fixture/x.npy" \
    --output "$work/y$t.npy" --threads "$t" >/dev/null
done
for t in 2 3 9; do
  cmp "$work/y1.npy" "$work/y$t.npy" \
    || { echo "FAIL: predictions differ between 1 and $t threads"; exit 1; }
done
"$here/expect_fail.sh" "--threads must be at least 1, got 0" "$work/mlp" bench --threads 0
"$here/expect_fail.sh" "--threads must be at most 1024, got 1025" "$work/mlp" eval --threads 1025
"$here/expect_fail.sh" "--threads must be an integer, got \`two\`" "$work/mlp" train --threads two
"$here/expect_fail.sh" "--threads must be an integer, got \`\`" "$work/mlp" bench --threads ""
"$here/expect_fail.sh" "--threads must be at least 1, got -3" \
  "$work/mlp" predict --input "$fixture/x.npy" --output "$work/z.npy" --threads -3
[ ! -e "$work/z.npy" ] || { echo "FAIL: a refused predict wrote its output"; exit 1; }
echo "threads: all checks passed"
