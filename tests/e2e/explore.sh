#!/usr/bin/env bash
# `nnc explore` as a user runs it: the seed's MLP trained a few epochs on the 16 samples of the
# gradient fixture, then explored with its checkpoint, those samples, the metrics file and a sweep.
# The page has every section, refers to nothing outside itself, and passes the headless-browser
# test (tests/explore/browser_check.sh: console errors, every section, every control, a
# screenshot). Then bad flags, and a model without a train block (notes instead of gradients).
# With --numbers, tests/e2e/explore_check.py compares the page's data with PyTorch and with the
# executable's --capture (label pytorch).
# usage: explore.sh NNC SOURCE_ROOT [--numbers]
set -euo pipefail
nnc=$1 root=$2 numbers=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
f=$root/tests/reference/fixtures/grad_mlp
"$nnc" build "$root/examples/mlp.nnm" -o mlp
./mlp train --data "$f/x.npy,$f/y.npy" --epochs 3 --validation 0.25 --metrics m.jsonl \
  --save p.safetensors --progress plain >/dev/null
"$nnc" explore "$root/examples/mlp.nnm" -o explore.html --json data.json --params p.safetensors \
  --data "$f/x.npy,$f/y.npy" --metrics m.jsonl --sweep hidden1=32..512 --samples 2 --batch 16 \
  2>explore.log
grep -q '^explore: wrote explore.html' explore.log || fail "no summary line: $(cat explore.log)"
for id in modules forward init activations params curves; do
  grep -q "<section id=\"$id\"" explore.html || fail "no section $id"
done
if grep -qiE '(src|href)="(https?:|//|file:)|@import|url\(' explore.html; then
  fail "the page refers to something outside itself"
fi
for name in ReLU GELU Sigmoid Tanh SiLU; do
  grep -q ">$name<" explore.html || fail "activation $name missing"
done
grep -q '235,146' explore.html || fail "the parameter count is not on the page"
grep -q '>512<' explore.html || fail "the sweep's last value is not on the page"
bash "$root/tests/explore/browser_check.sh" explore.html "$work/browser"

if [ "$numbers" = --numbers ]; then
  # The executable's view of sample 0, through --capture, for the check of the forward pass.
  /usr/bin/python3 -c "import numpy as np, sys; x = np.load(sys.argv[1]); np.save('s0.npy', x[:1])" "$f/x.npy"
  ./mlp predict --params p.safetensors --input s0.npy --output y0.npy --capture 'net.*' \
    --capture-file capture.safetensors >/dev/null
  /usr/bin/python3 "$root/tests/e2e/explore_check.py" data.json capture.safetensors m.jsonl
fi

# Bad input: each refused before anything is written.
expect() { "$root/tests/e2e/expect_fail.sh" "$@"; }
expect "--sweep takes NAME=A..B" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --sweep hidden1=8
expect "the range needs 1 <= A <= B" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --sweep hidden1=64..8
expect "has no integer argument of that name" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --sweep nope=1..4
expect "is the --params file" "$nnc" explore "$root/examples/mlp.nnm" -o p.safetensors --params p.safetensors
cp "$root/examples/mlp.nnm" own.nnm
cp "$f/x.npy" x.npy
expect "is the source file" "$nnc" explore own.nnm -o own.nnm
expect "is the --data file" "$nnc" explore own.nnm -o x.npy --data "x.npy,$f/y.npy"
expect "not a record of \`train --metrics\`" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --metrics p.safetensors
expect "is a directory" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --metrics "$work"
expect "larger than 64 MiB" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --metrics /dev/zero
expect "the same file is given twice" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --json x.html
expect "--samples must be from 1 to 64" "$nnc" explore "$root/examples/mlp.nnm" -o x.html --samples 0
expect "--output is required" "$nnc" explore "$root/examples/mlp.nnm"
[ -e x.html ] && fail "a refused explore wrote x.html"

# A model without a train block or data: no forward pass, no gradients, notes instead.
"$nnc" explore "$root/examples/residual.nnm" -o residual.html 2>/dev/null
grep -q 'pass --data D' residual.html || fail "residual: no note about the missing data"
grep -q 'gradient distributions need one' residual.html || fail "residual: no gradients note"
echo "explore: all checks passed"
