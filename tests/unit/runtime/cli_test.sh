#!/usr/bin/env bash
# cli_test.sh - end-to-end tests of a model executable's command line.
#
# Drives the fake model (fake_model.cpp linked like a compiled model) through
# info, init, predict, train and eval, checks predict numerically against the
# formula recomputed from the saved parameters, checks that a resumed run
# writes the same checkpoint as an uninterrupted one, and runs the negative
# corpus: every malformed file and bad flag must exit non-zero with the exact
# message fragment on stderr. The model without a train block
# (fake_model_untrained.cpp) must link and say why it cannot train.
#
# usage: cli_test.sh FAKE_MODEL TEST_TOOL WORK_DIR UNTRAINED_MODEL
set -u
model=$1
tool=$2
work=$3
untrained=$4
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
expect_error unknown-subcommand nonzero "The following argument was not expected: trian" "$model" trian
expect_error unknown-flag nonzero "The following argument was not expected: --bogus" "$model" info --bogus
expect_error init-no-output nonzero "--output is required" "$model" init --seed 1
expect_error init-bad-seed nonzero "--seed" "$model" init --seed abc -o p.safetensors
expect_error predict-no-params nonzero "--params is required" "$model" predict --input x.npy --output y.npy
expect_ok help "$model" --help
grep -qF "predict" out.txt || fail "--help lists no predict"
expect_ok predict-help "$model" predict --help
grep -qF -- "--output" out.txt || fail "predict --help lacks --output"

# train and eval: 12 samples of a linear map the model can fit, batch 4
expect_ok write-tx "$tool" write-npy tx.npy f4 12,3 \
  -0.52,0.09,-0.26,0.21,0.25,-0.87,-0.97,0.67,-0.48,-0.53,0.99,-0.06,0.67,-0.05,0.28,-0.7,0.27,0.74,0.05,0.48,0.34,-0.87,0.52,0.18,-0.4,-0.94,0.73,-0.05,0.44,0.76,0.43,0.84,-0.21,0.6,-0.11,0.87
expect_ok write-ty "$tool" write-npy ty.npy f4 12,2 \
  -0.73,-0.033,-0.625,0.908,-2.45,0.458,-2.44,0.394,1.01,-0.314,-0.77,-0.961,-0.64,-0.189,-1.72,-0.277,1.945,-1.708,-0.45,-0.667,-1.255,0.727,1.355,-0.967
data=tx.npy,ty.npy
expect_ok train3 "$model" train --data $data --epochs 3 --save c3.safetensors --metrics m.jsonl
[[ $(grep -c '^epoch [123]/3  train loss [0-9.]*  [0-9.]* s/epoch$' out.txt) == 3 ]] || fail "train lines: $(cat out.txt)"
grep -qF "saved c3.safetensors (epoch 3, step 9)" out.txt || fail "train summary: $(cat out.txt)"
[[ $(grep -c '"train_loss"' m.jsonl) == 3 ]] || fail "metrics: $(cat m.jsonl)"
expect_ok train2 "$model" train --data $data --epochs 2 --save c.safetensors
expect_ok resume "$model" train --data $data --epochs 3 --save c.safetensors --resume
grep -qF "resumed from c.safetensors at epoch 2 (step 6)" out.txt || fail "resume: $(cat out.txt)"
cmp -s c3.safetensors c.safetensors || fail "resume: 2 + 1 epochs differ from 3 epochs"
expect_ok resume-done "$model" train --data $data --epochs 3 --save c.safetensors --resume
grep -qF "c.safetensors has already trained 3 epochs (--epochs 3); nothing to do" out.txt || fail "resume-done: $(cat out.txt)"
expect_ok eval "$model" eval --params c3.safetensors --data $data
grep -qE '^all: loss [0-9.]+  \(12 samples\)$' out.txt || fail "eval: $(cat out.txt)"
expect_ok eval-json "$model" eval --params c3.safetensors --data $data --json
grep -qF '"split":"all"' out.txt || fail "eval --json: $(cat out.txt)"
expect_ok predict-ckpt "$model" predict --params c3.safetensors --input x.npy --output yc.npy
expect_ok check-yc "$tool" check-linear c3.safetensors x.npy yc.npy
ls ./*.tmp.* > /dev/null 2>&1 && fail "train left a temporary file"

# refused checkpoints, which stay as they were
head -c 200 c3.safetensors > cut.safetensors
expect_error resume-cut 1 "error: cut.safetensors: " \
  "$model" train --data $data --epochs 4 --save cut.safetensors --resume
cp c3.safetensors flip.safetensors
expect_ok flip "$tool" flip-bit flip.safetensors 3
cp flip.safetensors flip-before.safetensors
expect_error resume-flip 1 "error: flip.safetensors: checksum mismatch" \
  "$model" train --data $data --epochs 4 --save flip.safetensors --resume
cmp -s flip.safetensors flip-before.safetensors || fail "a refused resume changed the checkpoint"
expect_error predict-flip 1 "error: flip.safetensors: checksum mismatch" \
  "$model" predict --params flip.safetensors --input x.npy --output y_bad.npy
expect_error resume-optimizer 1 "error: c3.safetensors: the checkpoint was trained with SGD(lr=0.1" \
  "$model" train --data $data --epochs 4 --save c3.safetensors --resume --optimizer adam
expect_error resume-params 1 "error: p1.safetensors: not a training checkpoint" \
  "$model" train --data $data --epochs 4 --save p1.safetensors --resume

# a diverging run stops at the first non-finite loss and keeps the last good checkpoint
expect_error nan 1 "training stopped; the last good checkpoint n.safetensors (epoch" \
  "$model" train --data $data --lr 40 --epochs 30 --save n.safetensors
grep -qE "error: the loss is (nan|inf|-inf) at step [0-9]+ \(epoch [0-9]+, batch [0-9]+\)" err.txt || fail "nan message: $(cat err.txt)"
kept=$(sed -n 's/.*n.safetensors (epoch \([0-9]*\)) is kept.*/\1/p' err.txt)
expect_ok nan-good "$model" train --data $data --lr 40 --epochs "${kept:-0}" --save n-good.safetensors
cmp -s n.safetensors n-good.safetensors || fail "the kept checkpoint is not that of epoch $kept"

# flags
expect_error train-lr 1 "error: SGD: Invalid learning rate: -1.0" "$model" train --data $data --lr -1
expect_error train-no-data 1 "error: no training data: pass --data" "$model" train
expect_error train-resume-no-save 1 "error: --resume needs --save CKPT" "$model" train --data $data --resume
expect_error train-normalize nonzero "--normalize" "$model" train --data $data --normalize zscore
expect_error train-lr-inf 1 'error: --lr must be a finite number, got `inf`' "$model" train --data $data --lr inf --save inf.safetensors
[[ -e inf.safetensors ]] && fail "train --lr inf wrote a checkpoint"
expect_error train-seed-negative 1 "error: --seed must be a non-negative integer, got -1" "$model" train --data $data --seed -1
expect_error bench-no-iterations 1 "error: --min-iters must be at least 1, got 0" "$model" bench --min-iters 0
expect_error predict-over-params 1 "is the --params file \`p1.safetensors\`" \
  "$model" predict --params p1.safetensors --input x.npy --output ./p1.safetensors
cmp -s p1.safetensors p1b.safetensors || fail "predict overwrote its --params"
expect_error save-over-data 1 "is the data file \`tx.npy\`" "$model" train --data $data --save ./tx.npy
expect_error eval-no-params 1 "error: --params is required" "$model" eval --data $data
expect_ok train-help "$model" train --help
grep -qF -- "--resume" out.txt || fail "train --help lacks --resume"

# a model without a train block links, predicts, and says why it cannot train
expect_error untrained-train 1 'error: this model has no train block with a loss; add `train { loss = ... }` to the .nnm' \
  "$untrained" train --data $data
expect_error untrained-eval 1 'error: this model has no train block with a loss' \
  "$untrained" eval --data $data
expect_ok untrained-predict "$untrained" predict --input x.npy --output y2.npy

echo "$checks checks, $failures failures"
[[ $failures == 0 ]]
