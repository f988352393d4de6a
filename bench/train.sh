#!/usr/bin/env bash
# Training time per epoch of the seed's MLP on Fashion-MNIST, nnc against PyTorch on the same
# machine in the same run, with the same settings (Adam, batch 64, standardised inputs): builds
# examples/mlp.nnm, trains it for 2 epochs on 1 thread and on its default (every CPU), runs
# bench/torch_train.py with 1 thread (OPENBLAS_NUM_THREADS=1 too) and with PyTorch's default
# threads, and prints the best epoch of each and the ratios (>1: nnc is faster). Refuses to compare against the reference BLAS, as
# bench/harness.py does (bench/run.sh installs OpenBLAS).
# usage: bench/train.sh [BUILD_DIR]       (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

probe=$(/usr/bin/python3 "$root/bench/torch_workloads.py" mlp_infer --batch 1 --seconds 0 --min-iters 1)
if ! echo "$probe" | grep -q openblas; then
  echo "bench/train.sh: PyTorch's BLAS here is not OpenBLAS; install libopenblas0-pthread (bash bench/run.sh does)" >&2
  exit 1
fi
"$build/bin/nnc" build "$root/examples/mlp.nnm" -o "$work/mlp"
# The best epoch of 2, on 1 thread and on the default (every CPU).
nnc_epoch() {
  rm -f "$work/metrics.jsonl"
  "$work/mlp" train --epochs 2 --progress plain --metrics "$work/metrics.jsonl" "$@" >/dev/null 2>&1
  /usr/bin/python3 -c "
import json; print(min(json.loads(l)['seconds'] for l in open('$work/metrics.jsonl')))"
}
nnc1=$(nnc_epoch --threads 1)
nnc=$(nnc_epoch)
t=$(env -u OPENBLAS_NUM_THREADS /usr/bin/python3 "$root/bench/torch_train.py" --epochs 2)
t1=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/torch_train.py" --epochs 2 --threads 1)
tsec=$(field "$t" seconds_per_epoch) t1sec=$(field "$t1" seconds_per_epoch)
threads=$(field "$t" threads)
printf '%-30s %12s\n' "MLP, Fashion-MNIST epoch" "seconds"
printf '%-30s %12.2f\n' "nnc (1 thread)" "$nnc1"
printf '%-30s %12.2f   ratio %.2f\n' "PyTorch (1 thread)" "$t1sec" \
  "$(/usr/bin/python3 -c "print($t1sec / $nnc1)")"
printf '%-30s %12.2f\n' "nnc (default: every CPU)" "$nnc"
printf '%-30s %12.2f   ratio %.2f\n' "PyTorch (default: $threads thr.)" "$tsec" \
  "$(/usr/bin/python3 -c "print($tsec / $nnc)")"
echo "ratio = PyTorch time / nnc time; the epoch time excludes evaluation on the test set"
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), OpenBLAS"
