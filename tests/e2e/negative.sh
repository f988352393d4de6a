#!/usr/bin/env bash
# Bad input of every kind for `nnc` and for a built model: each must fail with a clear message
# and a non-zero exit, never a crash. Uses expect_fail.sh for each case.
# usage: negative.sh NNC SOURCE_ROOT
set -uo pipefail
nnc=$1 root=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
count=0
expect() { count=$((count + 1)); "$here/expect_fail.sh" "$@" || failures=$((failures + 1)); }

# --- the compiler's flags and files
expect "cannot read file" "$nnc" check "$work/missing.nnm"
expect "required" "$nnc" check
expect "The following argument was not expected" "$nnc" check "$root/examples/mlp.nnm" --bogus
expect "A subcommand is required" "$nnc"
expect "needs \`-o FILE\`" "$nnc" build "$root/examples/mlp.nnm"
expect "\`--emit\` takes tokens, ast, ir, ir-grad, ir-train, kernels, kernels-train, kernels-hooked, llvm-raw, llvm, obj, exe or lib" "$nnc" build "$root/examples/mlp.nnm" --emit bogus -o "$work/x"
expect "target \`tpu\` is not supported" "$nnc" build "$root/examples/mlp.nnm" --target tpu -o "$work/x"
expect "no module named \`Nope\`" "$nnc" check "$root/examples/mlp.nnm" --model Nope
expect "does not exist" "$nnc" build "$root/examples/mlp.nnm" --emit obj -o "$work/no/such/dir/m.o"
expect "--depfile goes with --emit obj, exe or lib" "$nnc" build "$root/examples/mlp.nnm" --emit ir --depfile "$work/m.d"
expect "--depfile: " "$nnc" build "$root/examples/xor.nnm" --emit obj -o "$work/x.o" --depfile "$work/no/such/x.d"
# --- libraries (--emit lib -o DIR/NAME)
expect "needs \`-o DIR/NAME\` for --emit lib" "$nnc" build "$root/examples/mlp.nnm" --emit lib
expect "NAME is missing" "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/"
expect "does not exist" "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/no/such/mlp"
expect "is not a C identifier (letters, digits and _): name them with --prefix" \
  "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/my-model"
expect "starts with a digit" "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/2mlp"
mkdir -p "$work/libdir.a" "$work/hdr/clash.h"  # libdir.a: the archive of -o dir
expect "is a directory" "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/dir"
expect "is a directory" "$nnc" build "$root/examples/mlp.nnm" --emit lib -o "$work/hdr/clash"
cp "$root/examples/xor.nnm" "$work/xor.h"
expect "is the source file" "$nnc" build "$work/xor.h" --emit lib -o "$work/xor"
[ -e "$work/libxor.a" ] && { echo "FAIL: a refused library build wrote libxor.a"; failures=$((failures + 1)); }

# --- a built model's flags and files
"$nnc" build "$root/examples/mlp.nnm" -o "$work/mlp" || { echo "FAIL: cannot build mlp"; exit 1; }
mlp=$work/mlp
x=$root/tests/reference/fixtures/mlp/x.npy
"$mlp" init --seed 1 -o "$work/p.safetensors" >/dev/null
expect "required" "$mlp" init -o "$work/q.safetensors" --seed
expect "The following argument was not expected" "$mlp" info --bogus
expect "missing.safetensors" "$mlp" predict --params "$work/missing.safetensors" --input "$x" --output "$work/y.npy"
head -c 100 "$work/p.safetensors" > "$work/truncated.safetensors"
expect "truncated.safetensors" "$mlp" predict --params "$work/truncated.safetensors" --input "$x" --output "$work/y.npy"
printf 'garbage!' > "$work/garbage.safetensors"
expect "garbage.safetensors" "$mlp" predict --params "$work/garbage.safetensors" --input "$x" --output "$work/y.npy"
# Parameters of another model: names and shapes do not match.
expect "unexpected tensor \`net.fc1.weight\`" "$mlp" predict --params "$root/tests/reference/fixtures/named_mlp/params.safetensors" --input "$x" --output "$work/y.npy"
# An input whose shape does not fit [B, 1, 28, 28].
expect "x" "$mlp" predict --params "$work/p.safetensors" --input "$root/tests/reference/fixtures/named_mlp/x.npy" --output "$work/y.npy"
printf 'not numpy' > "$work/bad.npy"
expect "bad.npy" "$mlp" predict --params "$work/p.safetensors" --input "$work/bad.npy" --output "$work/y.npy"
expect "missing.npy" "$mlp" predict --params "$work/p.safetensors" --input "$work/missing.npy" --output "$work/y.npy"
# Endless streams, directories and pipes: a reader reads what its header announces, never more.
expect "/dev/zero: header is not valid JSON" timeout 60 "$mlp" predict --params /dev/zero --input "$x" --output "$work/y.npy"
expect "/dev/zero: not a .npy file" timeout 60 "$mlp" predict --params "$work/p.safetensors" --input /dev/zero --output "$work/y.npy"
expect "$work: is a directory" "$mlp" predict --params "$work" --input "$x" --output "$work/y.npy"
expect "$work: is a directory" "$mlp" predict --params "$work/p.safetensors" --input "$work" --output "$work/y.npy"
expect "/dev/zero: not an IDX file" timeout 60 "$mlp" train --data /dev/zero,/dev/zero --epochs 1
count=$((count + 1))
if ! cat "$work/p.safetensors" | "$mlp" predict --params /dev/stdin --input "$x" --output "$work/y.npy" >/dev/null; then
  echo "FAIL: parameters from a pipe (/dev/stdin)"; failures=$((failures + 1))
fi
# The .nnir parser reports line:col for integers outside int64 and for `%-` (it used to abort).
printf 'graph @g() {\n  %%- = input "x" : f32[2]\n  return\n}\n' > "$work/minus.nnir"
expect "minus.nnir:2:4: error: expected an integer" "$nnc" ir "$work/minus.nnir"
printf 'graph @g() {\n  %%99999999999999999999 = input "x" : f32[2]\n  return\n}\n' > "$work/big.nnir"
expect "big.nnir:2:4: error: integer \`99999999999999999999\` is out of range" "$nnc" ir "$work/big.nnir"
printf 'graph @g() {\n  %%0 = input "x" : f32[4294967296*4294967296]\n  return %%0\n}\n' > "$work/dim.nnir"
expect "dim.nnir:2:24: error: dimension \`4294967296*4294967296\` is too large" "$nnc" ir "$work/dim.nnir"
printf 'graph @g() {\n  %%0 = input "x" : f32[4294967296, 4294967296]\n  return %%0\n}\n' > "$work/count.nnir"
expect "count.nnir:2:23: error: shape [4294967296, 4294967296] has too many elements" "$nnc" ir "$work/count.nnir"
# Sums of terms: a dangling sign, too many terms written, too many once multiplied out, and a
# sum that overflows stays negative (refused as below 1, not wrapped to a valid size).
printf 'graph @g(B) {\n  %%0 = input "x" : f32[B +]\n  return %%0\n}\n' > "$work/sign.nnir"
expect "sign.nnir:2:27: error: expected a name" "$nnc" ir "$work/sign.nnir"
printf 'graph @g(B) {\n  %%0 = input "x" : f32[%s]\n  return %%0\n}\n' "$(printf 'B + %.0s' $(seq 64))B" > "$work/terms.nnir"
expect "terms.nnir:2:24: error: dimension is written with more than 64 terms" "$nnc" ir "$work/terms.nnir"
printf 'graph @g(A, C, D, E, F, G, H) {\n  %%0 = input "x" : f32[A + 1, C + 1, D + 1, E + 1, F + 1, G + 1, H + 1]\n  return %%0\n}\n' > "$work/expand.nnir"
expect "has an element count of more than 64 terms" "$nnc" ir "$work/expand.nnir"
printf 'graph @g() {\n  %%0 = input "x" : f32[0 - 9223372036854775807 - 9223372036854775807]\n  return %%0\n}\n' > "$work/under.nnir"
expect "dimensions must be at least 1" "$nnc" ir "$work/under.nnir"

# --- --capture: both flags, patterns that match, a file that is no input
pr=(predict --params "$work/p.safetensors" --input "$x" --output "$work/y.npy")
expect "--capture needs --capture-file" "$mlp" "${pr[@]}" --capture '**'
expect "--capture-file needs --capture" "$mlp" "${pr[@]}" --capture-file "$work/c.safetensors"
expect "--capture: \`conv.*\` matches no module of the model (its modules: net, net.0, net.1, net.2, net.3, net.4)" "$mlp" "${pr[@]}" --capture 'net.0,conv.*' --capture-file "$work/c.safetensors"
expect "the pattern list is empty" "$mlp" "${pr[@]}" --capture '' --capture-file "$work/c.safetensors"
expect "has an empty pattern" "$mlp" "${pr[@]}" --capture 'net.0,,net.1' --capture-file "$work/c.safetensors"
expect "segment \`0-1\` is not a name" "$mlp" "${pr[@]}" --capture 'net.0-1' --capture-file "$work/c.safetensors"
expect "p.safetensors" "$mlp" "${pr[@]}" --capture '**' --capture-file "$work/p.safetensors"
expect "--capture-file" "$mlp" "${pr[@]}" --capture '**' --capture-file "$work/y.npy"
expect "is a directory" "$mlp" "${pr[@]}" --capture '**' --capture-file "$work"
[ ! -e "$work/c.safetensors" ] || { echo "FAIL: a refused --capture wrote its file"; failures=$((failures + 1)); }


# A failed write leaves no file behind and says where it tried.
expect "no/such/dir" "$mlp" predict --params "$work/p.safetensors" --input "$x" --output "$work/no/such/dir/y.npy"
# The previous checkpoint survives a failed `init` over it.
cp "$work/p.safetensors" "$work/keep.safetensors"
chmod 555 "$work" 2>/dev/null
if [ "$(id -u)" -ne 0 ]; then
  expect "keep.safetensors" "$mlp" init --seed 3 -o "$work/keep.safetensors"
fi
chmod 755 "$work"
cmp -s "$work/p.safetensors" "$work/keep.safetensors" || { echo "FAIL: keep.safetensors changed"; failures=$((failures + 1)); }

echo "$((count - failures)) passed, $failures failed"
[ $failures -eq 0 ]
