#!/usr/bin/env bash
# --check-finite and --stats on tests/e2e/models/overflow.nnm, whose module `act` computes exp:
#  - predict and eval on an input that overflows it name `act:output`, and write nothing;
#  - a training step that would make the parameters non-finite is stopped before its update: with
#    a huge learning rate, epoch 1 trains, epoch 2's forward overflows; the message names the
#    tensor and the step, and the checkpoint stays that of epoch 1, byte for byte;
#  - --stats prints a line per module output and logs them to --metrics.
# usage: check_finite.sh NNC SOURCE_ROOT
set -euo pipefail
nnc=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$nnc" build "$root/tests/e2e/models/overflow.nnm" -o of
printf 'x1,x2,y\n0.1,0.2,1\n0.3,0.1,0\n0.2,0.2,1\n0.4,0.3,0\n' > good.csv
printf 'x1,x2,y\n0.1,0.2,1\n900,800,0\n' > bad.csv
fail() { echo "FAIL: $*"; exit 1; }
expect_error() { # expected-text command...
  local want=$1; shift
  if out=$("$@" 2>&1); then fail "$* succeeded"; fi
  echo "$out"
  grep -qF -- "$want" <<<"$out" || fail "expected: $want"
}
./of init --seed 1 -o p.safetensors >/dev/null
expect_error "error: --check-finite: \`act:output\` holds inf" \
  ./of eval --params p.safetensors --data bad.csv --check-finite
# 2 rows of 2 float32 features as .npy (a 128-byte header), row 2 overflowing: 0.1 0.2, 901.5 801.1
# (values without zero bytes, which printf cannot write portably)
{ printf '\x93NUMPY\x01\x00\x76\x00'
  printf "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }%58s\n" ''
  printf '\xcd\xcc\xcc\x3d\xcd\xcc\x4c\x3e\x61\x61\x61\x44\x48\x48\x48\x44'; } > x.npy
expect_error "error: --check-finite: \`act:output\` holds inf (element" \
  ./of predict --params p.safetensors --input x.npy --output y.npy --check-finite
[ ! -e y.npy ] || fail "predict --check-finite wrote its output"

./of train --data good.csv --lr 1e30 --epochs 1 --save one.safetensors --progress plain >/dev/null
expect_error "--check-finite: \`act:output\` holds inf (element 1 of [4, 8]) at step 2 (epoch 2, batch 1); training stopped before the update; the last good checkpoint two.safetensors (epoch 1) is kept" \
  ./of train --data good.csv --lr 1e30 --epochs 2 --save two.safetensors --check-finite --progress plain
cmp one.safetensors two.safetensors || fail "the checkpoint of epoch 1 changed"
# Without the check, the non-finite loss is what stops it.
expect_error "the loss is" ./of train --data good.csv --lr 1e30 --epochs 3 --progress plain

out=$(./of train --data good.csv --epochs 1 --stats --metrics m.jsonl --progress plain)
echo "$out"
for t in fc1:output act:output fc2:output; do
  grep -q "^  $t  *mean .* std .* zeros .*%$" <<<"$out" || fail "no --stats line for $t"
  grep -q "\"$t\":{\"mean\":" m.jsonl || fail "no $t in the metrics log"
done
echo "check_finite: all checks passed"
