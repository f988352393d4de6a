#!/usr/bin/env bash
# cli_test.sh - end-to-end tests of a model executable's command line.
#
# Drives the fake model (fake_model.cpp linked like a compiled model) through
# info, init and predict, checks predict numerically against the formula
# recomputed from the saved parameters, and runs the negative corpus: every
# malformed file and bad flag must exit non-zero with the exact message
# fragment on stderr.
#
# usage: cli_test.sh FAKE_MODEL TEST_TOOL WORK_DIR
set -u
model=$1
tool=$2
work=$3
rm -rf "$work"
mkdir -p "$work/bad"
cd "$work" || exit 1

failures=0
checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_ok NAME CMD...: exit 0.
expect_ok() {
  local name=$1; shift
  checks=$((checks + 1))
  if ! "$@" > out.txt 2> err.txt; then
    fail "$name: exit $?, stderr: $(cat err.txt)"
  fi
}

# expect_error NAME CODE FRAGMENT CMD...: exits with CODE ("nonzero" for any
# non-zero code) and FRAGMENT appears on stderr.
expect_error() {
  local name=$1 code=$2 fragment=$3; shift 3
  checks=$((checks + 1))
  "$@" > out.txt 2> err.txt
  local got=$?
  if [[ $code == nonzero && $got == 0 ]] || [[ $code != nonzero && $got != "$code" ]]; then
    fail "$name: exit code $got, expected $code; stderr: $(cat err.txt)"
  elif ! grep -qF -- "$fragment" err.txt; then
    fail "$name: stderr lacks '$fragment'; got: $(cat err.txt)"
  elif grep -qiE "sanitizer|terminate called|core dumped" err.txt; then
    fail "$name: crashed: $(cat err.txt)"
  fi
}

# info
expect_ok info "$model" info
grep -qF "total parameters: 8  trainable: 8" out.txt || fail "info totals: $(cat out.txt)"
grep -qF "fc.weight  [2, 3]" out.txt || fail "info table: $(cat out.txt)"
expect_ok info-json "$model" info --json
grep -qF '"total_parameters": 8' out.txt || fail "info --json: $(cat out.txt)"

# init: same seed, same bytes; another seed, other bytes
expect_ok init1 "$model" init --seed 1 -o p1.safetensors
expect_ok init1-again "$model" init --seed 1 -o p1b.safetensors
expect_ok init2 "$model" init --seed 2 -o p2.safetensors
cmp -s p1.safetensors p1b.safetensors || fail "init: same seed gave different files"
cmp -s p1.safetensors p2.safetensors && fail "init: seeds 1 and 2 gave the same file"
grep -qF '"__metadata__":{"format":"pt"}' p1.safetensors || fail "init: no pt metadata"
ls ./*.tmp.* > /dev/null 2>&1 && fail "init left a temporary file"

# predict, checked against y = (x W^T + b) * scale from the saved parameters
expect_ok write-x "$tool" write-npy x.npy f4 4,3 1,2,3,-1,0.5,2,0,0,0,10,-20,30
expect_ok predict "$model" predict --params p1.safetensors --input x.npy --output y.npy
expect_ok check-y "$tool" check-linear p1.safetensors x.npy y.npy
cat out.txt
expect_ok write-x64 "$tool" write-npy x64.npy f8 2,3 0.1,0.2,0.3,-4,5,-6
expect_ok predict-f8 "$model" predict --params p2.safetensors --input x64.npy --output y64.npy
expect_ok check-y64 "$tool" check-linear p2.safetensors x64.npy y64.npy
expect_ok write-x0 "$tool" write-npy x0.npy f4 0,3 ""
expect_ok predict-empty-batch "$model" predict --params p1.safetensors --input x0.npy --output y0.npy

# the corpus of malformed files
expect_ok make-bad "$tool" make-bad bad
while IFS=$'\t' read -r kind name fragment; do
  case $kind in
    safetensors|load)
      expect_error "$name" 1 "error: bad/$name: $fragment" \
        "$model" predict --params "bad/$name" --input x.npy --output y_bad.npy ;;
    npy|input)
      expect_error "$name" 1 "error: bad/$name: $fragment" \
        "$model" predict --params p1.safetensors --input "bad/$name" --output y_bad.npy ;;
  esac
done < bad/cases.tsv
[[ -e y_bad.npy ]] && fail "a failed predict wrote its output"

# missing files and unwritable outputs
expect_error missing-params 1 "error: nope.safetensors: cannot open: No such file or directory" \
  "$model" predict --params nope.safetensors --input x.npy --output y.npy
expect_error missing-input 1 "error: nope.npy: cannot open: No such file or directory" \
  "$model" predict --params p1.safetensors --input nope.npy --output y.npy
expect_error init-no-dir 1 "error: no/such/dir/p.safetensors: cannot create" \
  "$model" init --seed 1 -o no/such/dir/p.safetensors
expect_error output-no-dir 1 "error: no/such/dir/y.npy: cannot create" \
  "$model" predict --params p1.safetensors --input x.npy --output no/such/dir/y.npy

# counts and flags
expect_error two-inputs 1 "error: the model takes 1 input(s) (\`x\`), got 2 --input" \
  "$model" predict --params p1.safetensors --input x.npy --input x.npy --output y.npy
expect_error two-outputs 1 "error: the model has 1 output(s) (\`y\`), got 2 --output" \
  "$model" predict --params p1.safetensors --input x.npy --output y.npy --output z.npy
expect_error no-subcommand nonzero "A subcommand is required" "$model"
expect_error unknown-subcommand nonzero "The following argument was not expected: train" "$model" train
expect_error unknown-flag nonzero "The following argument was not expected: --bogus" "$model" info --bogus
expect_error init-no-output nonzero "--output is required" "$model" init --seed 1
expect_error init-bad-seed nonzero "--seed" "$model" init --seed abc -o p.safetensors
expect_error predict-no-params nonzero "--params is required" "$model" predict --input x.npy --output y.npy
expect_ok help "$model" --help
grep -qF "predict" out.txt || fail "--help lists no predict"
expect_ok predict-help "$model" predict --help
grep -qF -- "--output" out.txt || fail "predict --help lacks --output"

echo "$checks checks, $failures failures"
[[ $failures == 0 ]]
