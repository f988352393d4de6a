#!/usr/bin/env bash
# Hooks on compiled models: tests/e2e/models/shared_layer.nnm and examples/mlp.nnm built as objects
# with their own prefixes, linked with libnnrt into tests/e2e/hooks.cpp, which checks forward and
# full backward hooks against values it computes from the parameters; then tests/e2e/hooks_c.c
# checks the C API.
# usage: hooks.sh NNC LIBNNRT SOURCE_ROOT [FLAGS]
#   FLAGS: what libnnrt was built with that its users need too (the sanitizers)
set -euo pipefail
nnc=$1 libnnrt=$2 root=$3 flags=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$nnc" build "$root/tests/e2e/models/shared_layer.nnm" --emit obj --prefix shared -o "$work/shared.o"
"$nnc" build "$root/examples/mlp.nnm" --emit obj --prefix mlp -o "$work/mlp.o"
# shellcheck disable=SC2086  # FLAGS is a list of flags
${CXX:-c++} -std=c++20 -O1 $flags -I"$root/runtime/include" "$root/tests/e2e/hooks.cpp" \
  "$work/shared.o" "$work/mlp.o" "$libnnrt" -lz -lm -lpthread -o "$work/hooks"
"$work/hooks"
# The C API: the same model with the default prefix, from C.
"$nnc" build "$root/tests/e2e/models/shared_layer.nnm" --emit obj -o "$work/nnc.o"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -O1 $flags -I"$root/runtime/include" -c "$root/tests/e2e/hooks_c.c" -o "$work/hooks_c.o"
# shellcheck disable=SC2086
${CXX:-c++} $flags "$work/hooks_c.o" "$work/nnc.o" "$libnnrt" -lz -lm -lpthread -o "$work/hooks_c"
"$work/hooks_c"
