#!/usr/bin/env bash
# Forward-pass throughput of nnc against PyTorch on the same machine, in the same run: builds each
# model with nnc, times `model bench` and PyTorch's eager forward (tests/reference/models.py) at
# several batch sizes, and prints a table with the ratio (>1: nnc is faster).
# usage: bench/forward.sh [BUILD_DIR]       (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
nnc=$build/bin/nnc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

printf '%-10s %6s %14s %14s %14s %8s\n' model batch "nnc ms" "torch ms" "torch-1t ms" ratio
for spec in mlp:examples/mlp.nnm residual:examples/residual.nnm; do
  case=${spec%%:*} source=${spec#*:}
  "$nnc" build "$root/$source" -o "$work/$case"
  for batch in 1 64 1024; do
    n=$("$work/$case" bench --batch "$batch" --json)
    t=$(/usr/bin/python3 "$root/bench/torch_forward.py" "$case" --batch "$batch")
    t1=$(/usr/bin/python3 "$root/bench/torch_forward.py" "$case" --batch "$batch" --threads 1)
    nms=$(field "$n" ms_per_batch) tms=$(field "$t" ms_per_batch) t1ms=$(field "$t1" ms_per_batch)
    printf '%-10s %6d %14.4f %14.4f %14.4f %8.2f\n' "$case" "$batch" "$nms" "$tms" "$t1ms" \
      "$(/usr/bin/python3 -c "print($tms / $nms)")"
  done
done
echo "ratio = PyTorch (default threads) time / nnc time; nnc runs on one thread"
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__, torch.get_num_threads(), "threads")'), BLAS: $blas"
