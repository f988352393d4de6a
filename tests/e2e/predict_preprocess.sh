#!/usr/bin/env bash
# predict and eval agree on a checkpoint trained with normalisation: the seed's MLP
# (examples/mlp.nnm, normalize = "global") trained for one short epoch on 2,000 raw Fashion-MNIST
# test images (pixels in [0, 1], mean about 0.29: the statistics matter), then evaluated and asked
# to predict on the same raw images. predict applies the checkpoint's statistics by default (and
# says so first), so its argmax accuracy equals eval's; with --no-preprocess its outputs differ.
# Without the Fashion-MNIST package, the 16 images of the committed gradient fixture stand in.
# Also: an output that is the --params file is refused and leaves the checkpoint as it was, and
# /dev/null is still a character device.
# usage: predict_preprocess.sh NNC NPY_ACCURACY NPY_ALLCLOSE MNIST_SUBSET SOURCE_ROOT
set -euo pipefail
nnc=$1 accuracy=$2 allclose=$3 subset=$4 root=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fashion=/usr/share/datasets/fashion-mnist
if [ -d "$fashion" ]; then
  x=$work/x.npy labels=$work/labels.npy
  "$subset" "$fashion" 2000 "$x" "$labels"
else
  echo "note: $fashion is missing; using the committed 16-image fixture"
  x=$root/tests/reference/fixtures/grad_mlp/x.npy
  labels=$root/tests/reference/fixtures/grad_mlp/y.npy
fi

"$nnc" build "$root/examples/mlp.nnm" -o "$work/mlp"
"$work/mlp" train --data "$x,$labels" --epochs 1 --progress plain \
  --save "$work/c.safetensors" | tail -1
eval_json=$("$work/mlp" eval --params "$work/c.safetensors" --data "$x,$labels" --json)
echo "eval: $eval_json"
eval_accuracy=$(sed -n 's/.*"accuracy": *\([-0-9.eE+]*\).*/\1/p' <<<"$eval_json")

"$work/mlp" predict --params "$work/c.safetensors" --input "$x" --output "$work/y.npy" \
  >"$work/predict.txt"
cat "$work/predict.txt"
grep -q '^preprocessing: input `x` normalised with the statistics of .*(global: mean ' \
  <(head -1 "$work/predict.txt") || { echo "FAIL: predict's first line names no preprocessing"; exit 1; }
predict_accuracy=$("$accuracy" "$work/y.npy" "$labels")
awk -v p="$predict_accuracy" -v e="$eval_accuracy" 'BEGIN {
  ok = p == e; printf "%s predict accuracy %s, eval accuracy %s\n", ok ? "OK" : "FAIL", p, e; exit !ok }'

"$work/mlp" predict --params "$work/c.safetensors" --input "$x" --output "$work/raw.npy" \
  --no-preprocess >"$work/raw.txt"
if head -1 "$work/raw.txt" | grep -q '^preprocessing'; then
  echo "FAIL: --no-preprocess still preprocesses"; exit 1
fi
if "$allclose" "$work/raw.npy" "$work/y.npy" 0 >/dev/null; then
  echo "FAIL: --no-preprocess gave the preprocessed outputs"; exit 1
fi
echo "OK --no-preprocess uses the raw inputs (accuracy $("$accuracy" "$work/raw.npy" "$labels"))"

cp "$work/c.safetensors" "$work/before.safetensors"
if "$work/mlp" predict --params "$work/c.safetensors" --input "$x" \
  --output "$work/./c.safetensors" 2>"$work/err.txt"; then
  echo "FAIL: predict overwrote its --params"; exit 1
fi
grep -q "is the --params file" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
cmp "$work/c.safetensors" "$work/before.safetensors"
echo "OK an output that is the --params file is refused"
[ -c /dev/null ] || { echo "FAIL: /dev/null is no longer a character device"; exit 1; }
echo "OK /dev/null is a character device"
