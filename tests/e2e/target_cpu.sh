#!/usr/bin/env bash
# `nnc build --target-cpu`: an executable built for the baseline x86-64 (SSE2 only) runs and trains
# here and says what it was built for; an unknown CPU name is refused before anything is written,
# whatever --emit asks for. (A CPU that lacks an extension is tested in
# tests/unit/runtime/cpu_features_test.cpp: this machine has whatever it has.)
# usage: target_cpu.sh NNC SOURCE_ROOT
set -euo pipefail
nnc=$1 root=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$nnc" build "$root/examples/xor.nnm" --target-cpu x86-64 -o "$work/xor"
target=$("$work/xor" info --json | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['target'])")
echo "$target"
[ "$target" = "{'cpu': 'x86-64', 'features': ['sse2']}" ] || { echo "FAIL: target $target"; exit 1; }
"$work/xor" train --data "$root/examples/data/xor.csv" --epochs 2 | grep -q "trained 2 epochs" \
  || { echo "FAIL: the x86-64 build does not train"; exit 1; }
for emit in exe ir llvm; do
  "$here/expect_fail.sh" "--target-cpu: \`pentium9\` is not a CPU this nnc knows" \
    "$nnc" build "$root/examples/xor.nnm" --target-cpu pentium9 --emit "$emit" -o "$work/out.$emit"
  [ ! -e "$work/out.$emit" ] || { echo "FAIL: --emit $emit wrote a file"; exit 1; }
done
echo "target_cpu: all checks passed"
