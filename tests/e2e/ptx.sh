#!/usr/bin/env bash
# The CUDA backend without a GPU: every kernel of every example (forward, training step, and their
# hooked variants), and every activation model, compiled to PTX for sm_80 and sm_90 by
# `nnc build --target cuda --emit ptx` and assembled by CUDA's ptxas for that architecture; the
# PTX declares the ISA version and target it was made for; bad flags are refused.
# usage: ptx.sh NNC SOURCE_ROOT PTXAS
set -euo pipefail
nnc=$1 root=$2 ptxas=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
count=0
assemble() { # NAME ARCH [nnc flags...]
  local name=$1 arch=$2
  shift 2
  "$nnc" build "$@" --target cuda --gpu-arch "$arch" --emit ptx -o "$name.$arch.ptx"
  grep -q "^.target $arch$" "$name.$arch.ptx" || fail "$name: no .target $arch"
  "$ptxas" -arch="$arch" "$name.$arch.ptx" -o "$name.$arch.cubin" || fail "ptxas refused $name for $arch"
  count=$((count + $(grep -c '^.visible .entry' "$name.$arch.ptx")))
}
for arch in sm_80 sm_90; do
  for f in "$root"/examples/*.nnm "$root"/examples/channel_estimation/*.nnm; do
    assemble "$(basename "$f" .nnm)" "$arch" "$f"
  done
  for m in $(grep -o '^module Act[A-Za-z]*' "$root/examples/activations.nnm" | cut -d' ' -f2); do
    assemble "$m" "$arch" "$root/examples/activations.nnm" --model "$m"
  done
done
grep -q '^.version 7.0$' mlp.sm_80.ptx || fail "sm_80 should declare PTX ISA 7.0"
grep -q '^.version 7.8$' mlp.sm_90.ptx || fail "sm_90 should declare PTX ISA 7.8"

expect() { "$root/tests/e2e/expect_fail.sh" "$@"; }
expect "is not a GPU architecture this nnc knows" "$nnc" build "$root/examples/xor.nnm" --target cuda --gpu-arch sm_12 --emit ptx -o x.ptx
expect "give one --gpu-arch" "$nnc" build "$root/examples/xor.nnm" --target cuda --gpu-arch sm_80,sm_90 --emit ptx -o x.ptx
expect "--emit ptx needs --target cuda" "$nnc" build "$root/examples/xor.nnm" --emit ptx -o x.ptx
expect "needs \`-o FILE\` for --emit ptx" "$nnc" build "$root/examples/xor.nnm" --target cuda --emit ptx
expect "writes the model's kernels" "$nnc" build "$root/examples/xor.nnm" --target cuda -o xor
NNC_CUDA_PATH=$work/nowhere expect "cannot read CUDA's libdevice" "$nnc" build "$root/examples/xor.nnm" --target cuda --emit ptx -o x.ptx
[ -e x.ptx ] && fail "a refused build wrote x.ptx"
echo "ptx: $count kernels assembled by ptxas; all checks passed"
