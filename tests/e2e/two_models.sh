#!/usr/bin/env bash
# Two models in one program: examples/mlp.nnm and examples/xor.nnm built as objects with
# `--prefix mlp` and `--prefix xor`, linked with libnnrt into tests/e2e/two_models.cpp, which runs
# each through its own descriptor (the MLP on 2 threads); each output must be what the model's own
# executable predicts from the same parameters (init --seed 1) and inputs, bit for bit.
# usage: two_models.sh NNC ALLCLOSE LIBNNRT SOURCE_ROOT [FLAGS]
#   FLAGS: what libnnrt was built with that its users need too (the sanitizers)
set -euo pipefail
nnc=$1 allclose=$2 libnnrt=$3 root=$4 flags=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$nnc" build "$root/examples/mlp.nnm" --emit obj --prefix mlp -o "$work/mlp.o"
"$nnc" build "$root/examples/xor.nnm" --emit obj --prefix xor -o "$work/xor.o"
# Each object exports its descriptor and nothing else.
for name in mlp xor; do
  exported=$(nm --defined-only --extern-only "$work/$name.o" | awk '{print $3}')
  [ "$exported" = "${name}_model" ] || { echo "FAIL: $name.o exports: $exported"; exit 1; }
done
# shellcheck disable=SC2086  # FLAGS is a list of flags
${CXX:-c++} -std=c++20 -O1 $flags -I"$root/runtime/include" "$root/tests/e2e/two_models.cpp" \
  "$work/mlp.o" "$work/xor.o" "$libnnrt" -lz -lm -lpthread -o "$work/two_models"
"$work/two_models" "$work"
for name in mlp xor; do
  model=MLP
  [ $name = xor ] && model=XorNet
  "$nnc" build "$root/examples/$name.nnm" -o "$work/$name"
  "$work/$name" init --seed 1 -o "$work/$name.safetensors" >/dev/null
  "$work/$name" predict --params "$work/$name.safetensors" --input "$work/${model}_x.npy" \
    --output "$work/${name}_ref.npy" >/dev/null
  cmp "$work/${model}_y.npy" "$work/${name}_ref.npy" \
    || { "$allclose" "$work/${model}_y.npy" "$work/${name}_ref.npy" 0 0 || true
         echo "FAIL: $name in the two-model program differs from its executable"; exit 1; }
done
echo "two_models: all checks passed"
