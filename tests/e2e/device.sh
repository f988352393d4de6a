#!/usr/bin/env bash
# `--device cuda` without a GPU: the driver is loaded at run time, so the same executable runs on
# the CPU anywhere, and asking for the GPU fails at once, saying what is missing: no driver (a
# library that is not there), a driver that fails cuInit, no device, a driver too old for nnc's
# PTX, and, with a working (stub) driver, that the GPU runtime is not built yet. The CPU's results
# are the same with --device cpu as without the flag.
# usage: device.sh NNC SOURCE_ROOT STUB_LIBCUDA
set -euo pipefail
nnc=$1 root=$2 stub=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
expect() { "$root/tests/e2e/expect_fail.sh" "$@"; }
"$nnc" build "$root/examples/xor.nnm" -o xor
./xor init --seed 1 -o p.safetensors >/dev/null
data="$root/examples/data/xor.csv"

NNC_LIBCUDA=$work/no/libcuda.so.1 expect "--device cuda: no CUDA driver: cannot load" \
  ./xor eval --params p.safetensors --data "$data" --device cuda
NNC_LIBCUDA=$work/no/libcuda.so.1 expect "--device cuda: no CUDA driver: cannot load" \
  ./xor predict --params p.safetensors --input p.safetensors --output y.npy --device cuda
[ -e y.npy ] && fail "a refused predict wrote y.npy"
NNC_LIBCUDA=$stub STUB_CUDA_INIT=100 expect \
  "cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected" \
  ./xor eval --params p.safetensors --data "$data" --device cuda
NNC_LIBCUDA=$stub STUB_CUDA_DEVICES=0 expect "no CUDA device: the driver (CUDA 12.8) is there" \
  ./xor train --data "$data" --epochs 1 --device cuda
NNC_LIBCUDA=$stub STUB_CUDA_VERSION=10020 expect \
  "the CUDA driver is too old: it runs CUDA 10.2 (10020), and nnc's GPU code" \
  ./xor bench --device cuda --seconds 0.1
NNC_LIBCUDA=$stub expect "found Stub GPU (compute capability 9.0, CUDA 12.8), but this model has no GPU code" \
  ./xor eval --params p.safetensors --data "$data" --device cuda
NNC_LIBCUDA=$stub expect "--device: tpu not in {cpu,cuda}" ./xor eval --data "$data" --device tpu
[ -e "$work/ckpt.safetensors" ] && fail "a refused run wrote a checkpoint"

# The CPU is unaffected: the same numbers with --device cpu as without it.
./xor eval --params p.safetensors --data "$data" >plain.txt
./xor eval --params p.safetensors --data "$data" --device cpu >cpu.txt
cmp plain.txt cpu.txt || fail "--device cpu changed eval's output"
echo "device: all checks passed"
