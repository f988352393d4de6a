#!/usr/bin/env bash
# `train --plot`: the training curves as SVG. The seed's MLP on the 16 samples of the gradient
# fixture, a quarter held out: a loss panel and an accuracy panel, each with a train and a
# validation curve, as well-formed XML without scripts; the file is the picture in docs/hooks.md
# (docs/images/training_curves.svg), byte for byte. xor (no class targets) draws the loss alone.
# usage: plot.sh NNC SOURCE_ROOT [--update]   (--update rewrites the docs picture)
set -euo pipefail
nnc=$1 root=$2 update=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
"$nnc" build "$root/examples/mlp.nnm" -o mlp
f=$root/tests/reference/fixtures/grad_mlp
./mlp train --data "$f/x.npy,$f/y.npy" --epochs 8 --validation 0.25 --normalize none \
  --plot curves.svg --progress plain >/dev/null
[ "$(grep -c '<polyline' curves.svg)" = 4 ] || fail "expected 4 curves"
grep -q '>accuracy</text>' curves.svg || fail "no accuracy panel"
grep -q '>validation</text>' curves.svg || fail "no validation legend"
if grep -qi '<script\|href=' curves.svg; then fail "the SVG refers to something else"; fi
/usr/bin/python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" curves.svg \
  || fail "not well-formed XML"
if [ "$update" = --update ]; then
  cp curves.svg "$root/docs/images/training_curves.svg"
fi
cmp curves.svg "$root/docs/images/training_curves.svg" \
  || fail "docs/images/training_curves.svg is not what the command draws (run with --update)"
"$nnc" build "$root/examples/xor.nnm" -o xor
./xor train --data "$root/examples/data/xor.csv" --epochs 20 --plot xor.svg --progress plain >/dev/null
[ "$(grep -c '<polyline' xor.svg)" = 1 ] || fail "xor: expected the train loss alone"
if grep -q '>accuracy</text>' xor.svg; then fail "xor: an accuracy panel without class targets"; fi
"$root/tests/e2e/expect_fail.sh" "is a directory" ./xor train --data "$root/examples/data/xor.csv" \
  --epochs 1 --plot "$work"
echo "plot: all checks passed"
