#!/usr/bin/env bash
# The training examples end to end, each with a loose bound on its result:
#   xor        2-2-1 MLP on the four XOR points: loss < 0.05 (every point on its side)
#   sine       one hidden layer fitting sin(x) on [-pi, pi]: MSE < 1e-3
#   resume     sine for 2 epochs, then a resumed 3rd, equals 3 uninterrupted epochs bit for bit
#   kill       SIGKILL during training that checkpoints every epoch, five times: the checkpoint
#              left behind always loads, and resuming from it finishes the run
#   fashion    the seed's MLP, 1 epoch of Fashion-MNIST: test accuracy >= 0.80
#   residual   the residual stack classifier, 1 epoch: test accuracy >= 0.80
# usage: train_examples.sh NNC SAFETENSORS_ALLCLOSE SOURCE_DIR [CASE...]
set -euo pipefail
nnc=$1 allclose=$2 root=$3
shift 3
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(xor sine resume kill fashion residual)
fashion=/usr/share/datasets/fashion-mnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field NAME JSON: the number after "NAME": in a one-line JSON object.
field() { sed -n "s/.*\"$1\": *\([-0-9.eE+]*\).*/\1/p" <<<"$2"; }
# below VALUE BOUND LABEL / atleast VALUE BOUND LABEL
below() { awk -v v="$1" -v b="$2" -v l="$3" 'BEGIN { ok = v < b
  printf "%s %s %s (bound: < %s)\n", ok ? "OK" : "FAIL", l, v, b; exit !ok }'; }
atleast() { awk -v v="$1" -v b="$2" -v l="$3" 'BEGIN { ok = v >= b
  printf "%s %s %s (bound: >= %s)\n", ok ? "OK" : "FAIL", l, v, b; exit !ok }'; }

for c in "${cases[@]}"; do
  case $c in
  xor)
    "$nnc" build "$root/examples/xor.nnm" -o "$work/xor"
    "$work/xor" train --data "$root/examples/data/xor.csv" --progress plain \
      --save "$work/xor.safetensors" | tail -1
    result=$("$work/xor" eval --params "$work/xor.safetensors" --data "$root/examples/data/xor.csv" --json)
    below "$(field loss "$result")" 0.05 "xor loss"
    ;;
  sine)
    "$nnc" build "$root/examples/sine.nnm" -o "$work/sine"
    "$work/sine" train --data "$root/examples/data/sine.csv" --progress plain \
      --save "$work/sine.safetensors" | tail -1
    result=$("$work/sine" eval --params "$work/sine.safetensors" --data "$root/examples/data/sine.csv" --json)
    below "$(field loss "$result")" 1e-3 "sine mse"
    ;;
  resume)
    [ -x "$work/sine" ] || "$nnc" build "$root/examples/sine.nnm" -o "$work/sine"
    data="$root/examples/data/sine.csv"
    "$work/sine" train --data "$data" --epochs 3 --save "$work/straight.safetensors" --progress plain >/dev/null
    "$work/sine" train --data "$data" --epochs 2 --save "$work/split.safetensors" --progress plain >/dev/null
    "$work/sine" train --data "$data" --epochs 3 --save "$work/split.safetensors" --resume --progress plain
    # Parameters and optimizer state, bit for bit (rtol 0).
    "$allclose" "$work/split.safetensors" "$work/straight.safetensors" 0
    ;;
  kill)
    [ -x "$work/sine" ] || "$nnc" build "$root/examples/sine.nnm" -o "$work/sine"
    data="$root/examples/data/sine.csv"
    ckpt="$work/killed.safetensors"
    # The first epoch's checkpoint, then runs killed at different moments of their saving loop.
    "$work/sine" train --data "$data" --epochs 1 --save "$ckpt" --progress plain >/dev/null
    for delay in 0.05 0.1 0.2 0.3 0.5; do
      "$work/sine" train --data "$data" --epochs 100000 --save "$ckpt" --resume \
        --progress plain >/dev/null 2>&1 &
      pid=$!
      sleep "$delay"
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      "$work/sine" eval --params "$ckpt" --data "$data" --json >/dev/null
      echo "OK checkpoint loads after SIGKILL at ${delay}s"
    done
    # Resuming from it starts training (a refused checkpoint would end the run at once).
    "$work/sine" train --data "$data" --epochs 100000 --save "$ckpt" --resume \
      --progress plain >"$work/resumed.log" 2>&1 &
    pid=$!
    sleep 0.5
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "FAIL resuming the killed run's checkpoint:"; cat "$work/resumed.log"; exit 1
    fi
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    echo "OK the killed run's checkpoint resumes"
    ;;
  fashion | residual)
    if [ ! -d "$fashion" ]; then
      echo "FAIL $fashion is missing (install dataset-fashion-mnist: scripts/install-deps.sh)"
      exit 1
    fi
    source=$root/examples/mlp.nnm
    [ "$c" = fashion ] || source=$root/examples/residual_fashion.nnm
    "$nnc" build "$source" -o "$work/$c"
    "$work/$c" train --data "$fashion" --epochs 1 --progress plain --metrics "$work/$c.jsonl"
    atleast "$(field test_accuracy "$(tail -1 "$work/$c.jsonl")")" 0.80 "$c test accuracy"
    ;;
  *)
    echo "unknown case $c"
    exit 2
    ;;
  esac
done
