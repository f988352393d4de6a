#!/usr/bin/env bash
# Output paths of `nnc` and of a built model, end to end: an output that is an input is refused
# and the input stays as it was; a symlink's target is replaced and the link stays; a FIFO is
# written through; a folder or a missing folder is refused before any work; a failed link leaves
# the old executable and no temporary file. Device nodes are not written (a regression would
# replace the machine's /dev/null); /dev/null is only checked to still be a character device.
# usage: output_paths.sh NNC SOURCE_ROOT
set -uo pipefail
nnc=$1 root=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
count=0
expect() { count=$((count + 1)); "$here/expect_fail.sh" "$@" || failures=$((failures + 1)); }
check() { # check LABEL COMMAND...: the command must succeed
  count=$((count + 1))
  if "${@:2}"; then echo "OK $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}
cp "$root/examples/xor.nnm" "$work/m.nnm"
cp "$work/m.nnm" "$work/m.orig"

# --- nnc
expect "m.nnm: is the source file" "$nnc" build "$work/m.nnm" -o "$work/./m.nnm"
expect "is the source file" "$nnc" build "$work/m.nnm" --emit ir -o "$work/m.nnm"
expect "is the source file" "$nnc" graph "$work/m.nnm" -o "$work/m.nnm"
ln "$work/m.nnm" "$work/hard.nnm"
expect "is the source file" "$nnc" build "$work/m.nnm" --emit llvm -o "$work/hard.nnm"
check "the source is unchanged" cmp -s "$work/m.nnm" "$work/m.orig"
# An imported file is an input too.
printf 'module Helper {\n    forward(x: [B, 4]) -> [B, 4] { return x }\n}\n' > "$work/helper.nnm"
printf 'import "helper.nnm"\nmodule Main {\n    h = Helper()\n    forward(x: [B, 4]) -> [B, 4] { return h(x) }\n}\nmodel Main()\n' > "$work/main.nnm"
cp "$work/helper.nnm" "$work/helper.orig"
expect "helper.nnm: is the source file" "$nnc" build "$work/main.nnm" --emit ir -o "$work/helper.nnm"
check "the imported file is unchanged" cmp -s "$work/helper.nnm" "$work/helper.orig"
# `nnc run` hands its sources to the model's command line: no output of it may replace them.
expect "is the model's source" "$nnc" run "$work/m.nnm" -- init -o "$work/m.nnm"
expect "is the model's source" "$nnc" run "$work/main.nnm" -- init -o "$work/helper.nnm"
expect "is the model's source" "$nnc" run "$work/m.nnm" -- train --data "$root/examples/data/xor.csv" --epochs 1 --save "$work/hard.nnm"
expect "is the model's source" "$nnc" run "$work/m.nnm" -- train --data "$root/examples/data/xor.csv" --epochs 1 --metrics "$work/m.nnm"
check "the sources are unchanged" cmp -s "$work/m.nnm" "$work/m.orig"
check "the imported source is unchanged" cmp -s "$work/helper.nnm" "$work/helper.orig"
expect "is a directory" "$nnc" build "$work/m.nnm" -o "$work"
expect "the folder \`$work/no/such\` does not exist" "$nnc" build "$work/m.nnm" --emit obj -o "$work/no/such/m.o"
mkdir "$work/real"
ln -s real/m.ir "$work/link.ir"
check "nnc --emit ir through a dangling symlink" "$nnc" build "$work/m.nnm" --emit ir -o "$work/link.ir"
check "the link stays a link" test -L "$work/link.ir"
check "its target was written" grep -q "graph" "$work/real/m.ir"
mkfifo "$work/exe.fifo"
# Bounded: if nnc failed before opening the FIFO, the reader would wait forever.
timeout 120 cat "$work/exe.fifo" > "$work/from_fifo" &
reader=$!
check "nnc build into a FIFO" "$nnc" build "$work/m.nnm" -o "$work/exe.fifo"
wait $reader
check "the FIFO got an ELF executable" grep -q "ELF" <(head -c 4 "$work/from_fifo")
check "the FIFO is still a FIFO" test -p "$work/exe.fifo"
check "nnc build" "$nnc" build "$work/m.nnm" -o "$work/xor"
cp "$work/xor" "$work/xor.orig"
expect "linking \`$work/xor\` failed" env NNC_CXX=false "$nnc" build "$work/m.nnm" -o "$work/xor"
check "a failed link keeps the old executable" cmp -s "$work/xor" "$work/xor.orig"
check "and leaves no temporary file" test -z "$(ls "$work" | grep -F .tmp.)"

# --- the built model
xor=$work/xor
cp "$root/examples/data/xor.csv" "$work/xor.csv" # a copy: a regression must not hit the tree
data=$work/xor.csv
check "init" "$xor" init -o "$work/p.safetensors"
expect "is the data file" "$xor" train --data "$data" --epochs 1 --save "$data"
expect "the same file is given twice" "$xor" train --data "$data" --epochs 1 --save "$work/c" --metrics "$work/./c"
expect "does not exist" "$xor" train --data "$data" --epochs 1 --metrics "$work/none/m.jsonl"
ln -s p.safetensors "$work/p.link"
expect "is the --params file" "$xor" train --data "$data" --epochs 1 --params "$work/p.safetensors" --save "$work/p.link"
check "the data is unchanged" cmp -s "$data" "$root/examples/data/xor.csv"
check "init through a symlink" "$xor" init --seed 2 -o "$work/p.link"
check "the link stays a link" test -L "$work/p.link"
chmod 555 "$work/real"
if [ "$(id -u)" -ne 0 ]; then
  expect "cannot create files in" "$xor" init -o "$work/real/p.safetensors"
else
  # Root writes into a read-only folder: permissions do not bind it.
  check "root may write into a read-only folder" "$xor" init -o "$work/real/p.safetensors"
fi
chmod 755 "$work/real"
check "no temporary file is left" test -z "$(ls "$work" "$work/real" | grep -F .tmp.)"
check "/dev/null is still a character device" test -c /dev/null

echo "$((count - failures)) passed, $failures failed"
[ $failures -eq 0 ]
